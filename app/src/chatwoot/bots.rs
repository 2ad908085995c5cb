//! Agent bots (Ajustes > Equipo y bandejas > Bots): a webhook URL plus a token of its
//! own. Connected to an inbox, its new conversations start pending with the bot, which
//! hears of them at its URL and answers through the API until it (or the customer)
//! hands the conversation to the team.
mod admin;
pub mod model;

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::Json;
pub use admin::BotsAdmin;
use model::{AgentBotInput, AgentBotView};

#[cfg(feature = "ssr")]
use crate::chatwoot::ssr::bots as store;

#[server(endpoint = "bots/list", input = Json, output = Json)]
pub async fn list_agent_bots() -> Result<Vec<AgentBotView>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::list(&state.db, &state.settings.secrets, agent.account_id).await
        }
        .await,
    )
}

#[server(endpoint = "bots/save", input = Json, output = Json)]
pub async fn save_agent_bot(
    id: Option<i64>,
    input: AgentBotInput,
) -> Result<AgentBotView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            let settings = &state.settings;
            store::save(
                &state.db,
                &settings.secrets,
                &settings.outbound,
                &agent,
                id,
                &input,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "bots/remove", input = Json, output = Json)]
pub async fn remove_agent_bot(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::remove(&state.db, &agent, id).await
        }
        .await,
    )
}

#[server(endpoint = "bots/regenerate", input = Json, output = Json)]
pub async fn regenerate_bot_token(id: i64) -> Result<AgentBotView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::regenerate_token(&state.db, &state.settings.secrets, &agent, id).await
        }
        .await,
    )
}
