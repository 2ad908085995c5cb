//! The custom attributes' server functions: each resolves the session and calls one
//! service. The values are written through the contact's and the conversation's own
//! server functions (`contacts/attributes`, `conversations/attributes`).
use leptos::prelude::*;

use super::model::{AttributeDefinition, AttributeModel, AttributeType};
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {
    super::ssr,
    crate::auth::permission::{admin_session, signed_in},
};

/// The account's attributes (of one model, or all): every agent fills them in.
#[server(endpoint = "attributes/list", input = Json, output = Json)]
pub async fn list_attributes(
    #[server(default)] model: Option<AttributeModel>,
) -> Result<Vec<AttributeDefinition>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list(&state.db, agent.account_id, model).await
        }
        .await,
    )
}

/// Creates (`id: None`) or changes an attribute (administrators). On a change the key
/// and the model stay.
#[server(endpoint = "attributes/save", input = Json, output = Json)]
#[allow(clippy::too_many_arguments)]
pub async fn save_attribute(
    id: Option<i64>,
    model: AttributeModel,
    #[server(default)] key: String,
    display_name: String,
    display_type: AttributeType,
    #[server(default)] description: String,
    #[server(default)] values: Vec<String>,
) -> Result<AttributeDefinition, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            let key = if key.trim().is_empty() {
                super::model::key_from_name(&display_name)
            } else {
                key
            };
            let input = ssr::DefinitionInput {
                model,
                key: &key,
                display_name: &display_name,
                display_type,
                description: &description,
                values: &values,
            };
            ssr::save(&state.db, agent.account_id, id, input).await
        }
        .await,
    )
}

/// Deletes an attribute (administrators); values under its key stay where they are.
#[server(endpoint = "attributes/remove", input = Json, output = Json)]
pub async fn remove_attribute(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::remove(&state.db, agent.account_id, id).await
        }
        .await,
    )
}
