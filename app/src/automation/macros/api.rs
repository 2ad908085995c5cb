//! The macros' server functions (every agent): each resolves the session and calls one
//! service.
use leptos::prelude::*;

use super::model::Macro;
use crate::conversations::model::ConversationSummary;
use crate::domain::automation::macros::MacroInput;
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {super::ssr, crate::auth::permission::signed_in};

/// The macros the agent may run: the account's shared ones and her own, by name.
#[server(endpoint = "macros/list", input = Json, output = Json)]
pub async fn list_macros() -> Result<Vec<Macro>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::store::list(&state.db, &agent).await
        }
        .await,
    )
}

/// Creates (`id: None`) or changes a macro; a bad one is refused whole.
#[server(endpoint = "macros/save", input = Json, output = Json)]
pub async fn save_macro(id: Option<i64>, saved: MacroInput) -> Result<Macro, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::store::save(&state.db, &agent, id, &saved).await
        }
        .await,
    )
}

/// Deletes a macro (its author's, or a shared one by an administrator).
#[server(endpoint = "macros/remove", input = Json, output = Json)]
pub async fn remove_macro(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::store::remove(&state.db, &agent, id).await
        }
        .await,
    )
}

/// Runs a macro on a conversation, whole or not at all.
#[server(endpoint = "macros/run", input = Json, output = Json)]
pub async fn run_macro(id: i64, conversation_id: i64) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::run::run(&state.db, &state.hub, &agent, id, conversation_id).await
        }
        .await,
    )
}

/// The WhatsApp templates a rule or macro may name, `(name, language)`: approved ones
/// of the WhatsApp inboxes the agent sees.
#[server(endpoint = "macros/templates", input = Json, output = Json)]
pub async fn list_action_templates() -> Result<Vec<(String, String)>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::store::templates(&state.db, &agent).await
        }
        .await,
    )
}
