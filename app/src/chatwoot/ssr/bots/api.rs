//! Agent bots in Chatwoot's Application API shape: any agent may list and read them,
//! only administrators change them and see their tokens.
use crate::chatwoot::bots::model::{AgentBotInput, AgentBotView};
use crate::chatwoot::model as cw;
use crate::chatwoot::ssr::Caller;
use crate::error::AppError;

fn shape(caller: &Caller<'_>, view: AgentBotView) -> cw::AgentBot {
    cw::AgentBot {
        id: view.id,
        name: view.name,
        description: view.description,
        outgoing_url: view.outgoing_url,
        account_id: caller.agent.account_id,
        bot_type: "webhook",
        bot_config: serde_json::json!({}),
        access_token: caller.agent.role.is_admin().then_some(view.access_token),
    }
}

pub async fn list(caller: &Caller<'_>) -> Result<Vec<cw::AgentBot>, AppError> {
    let state = caller.state;
    let bots = super::list(&state.db, &state.settings.secrets, caller.agent.account_id).await?;
    Ok(bots.into_iter().map(|b| shape(caller, b)).collect())
}

pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::AgentBot, AppError> {
    let state = caller.state;
    let bot = super::get(
        &state.db,
        &state.settings.secrets,
        caller.agent.account_id,
        id,
    )
    .await?;
    Ok(shape(caller, bot))
}

/// What a client sends to create or change a bot (Chatwoot's fields).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct BotBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub outgoing_url: Option<String>,
}

/// Creates (`id: None`) or changes a bot; a field left out keeps its value.
pub async fn save(
    caller: &Caller<'_>,
    id: Option<i64>,
    body: BotBody,
) -> Result<cw::AgentBot, AppError> {
    // Refused before anything is read: an agent learns nothing of which bots exist.
    crate::auth::permission::require_admin(caller.agent)?;
    let state = caller.state;
    let secrets = &state.settings.secrets;
    let before = match id {
        Some(id) => Some(super::get(&state.db, secrets, caller.agent.account_id, id).await?),
        None => None,
    };
    let input = AgentBotInput {
        name: body
            .name
            .or_else(|| before.as_ref().map(|b| b.name.clone()))
            .unwrap_or_default(),
        description: body
            .description
            .or_else(|| before.as_ref().map(|b| b.description.clone()))
            .unwrap_or_default(),
        outgoing_url: body
            .outgoing_url
            .or_else(|| before.as_ref().map(|b| b.outgoing_url.clone()))
            .unwrap_or_default(),
        inbox_ids: None,
    };
    let outbound = &state.settings.outbound;
    let saved = super::save(&state.db, secrets, outbound, caller.agent, id, &input).await?;
    Ok(shape(caller, saved))
}

pub async fn reset_token(caller: &Caller<'_>, id: i64) -> Result<cw::AgentBot, AppError> {
    let state = caller.state;
    let secrets = &state.settings.secrets;
    let bot = super::regenerate_token(&state.db, secrets, caller.agent, id).await?;
    Ok(shape(caller, bot))
}

/// The inbox's bot, for an agent who works the inbox; not found when it has none.
pub async fn inbox_bot(caller: &Caller<'_>, inbox_id: i64) -> Result<cw::AgentBot, AppError> {
    crate::chatwoot::ssr::account::inbox(caller, inbox_id).await?;
    let bot = super::inbox_bot(caller.db(), caller.agent.account_id, inbox_id)
        .await?
        .ok_or(AppError::NotFound)?;
    get(caller, bot).await
}
