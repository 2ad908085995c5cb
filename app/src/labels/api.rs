//! The labels' server functions: each resolves the session and calls one service.
use leptos::prelude::*;

use super::model::Label;
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {
    super::ssr,
    crate::auth::permission::{admin_session, signed_in},
};

/// The account's labels, by name (every agent: the chat and the list show them).
#[server(endpoint = "labels/list", input = Json, output = Json)]
pub async fn list_labels() -> Result<Vec<Label>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list(&state.db, agent.account_id).await
        }
        .await,
    )
}

/// Creates (`id: None`) or changes a label (administrators).
#[server(endpoint = "labels/save", input = Json, output = Json)]
pub async fn save_label(
    id: Option<i64>,
    name: String,
    #[server(default)] description: String,
    color: String,
) -> Result<Label, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            let input = ssr::LabelInput {
                name: &name,
                description: &description,
                color: &color,
            };
            ssr::save(&state.db, &state.hub, agent.account_id, id, input).await
        }
        .await,
    )
}

/// Deletes a label; it leaves every conversation that had it (administrators).
#[server(endpoint = "labels/remove", input = Json, output = Json)]
pub async fn remove_label(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::remove(&state.db, &state.hub, agent.account_id, id).await
        }
        .await,
    )
}
