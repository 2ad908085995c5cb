//! Handlers: agent bots and the inbox's bot (Chatwoot's `agent_bots`, `set_agent_bot`).
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::bots::{self, api, api::BotBody};

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/agent_bots", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = Vec<cw::AgentBot>), super::openapi::Refusals))]
pub async fn list(api: ApiAgent) -> ApiResult<Vec<cw::AgentBot>> {
    Ok(Json(api::list(&api.caller()).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/agent_bots", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account")), request_body = BotBody, responses((status = 200, body = cw::AgentBot), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<BotBody>) -> ApiResult<cw::AgentBot> {
    Ok(Json(api::save(&api.caller(), None, body).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/agent_bots/{id}", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::AgentBot), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::AgentBot> {
    Ok(Json(api::get(&api.caller(), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/agent_bots/{id}", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = BotBody, responses((status = 200, body = cw::AgentBot), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<BotBody>,
) -> ApiResult<cw::AgentBot> {
    Ok(Json(api::save(&api.caller(), Some(id), body).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/agent_bots/{id}", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn remove(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    bots::remove(&api.state.db, &api.agent, id).await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/agent_bots/{id}/reset_access_token", tag = "agent_bots", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::AgentBot), super::openapi::Refusals))]
pub async fn reset_token(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::AgentBot> {
    Ok(Json(api::reset_token(&api.caller(), id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SetBotBody {
    /// The bot's id; `null` takes the inbox's bot away.
    #[serde(default)]
    agent_bot: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/inboxes/{id}/set_agent_bot", tag = "inboxes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = SetBotBody, responses((status = 204, description = "Set"), super::openapi::Refusals))]
pub async fn set_inbox_bot(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<SetBotBody>,
) -> Result<StatusCode, ApiError> {
    bots::set_inbox_bot(&api.state.db, &api.agent, id, body.agent_bot).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/inboxes/{id}/agent_bot", tag = "inboxes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::AgentBot), super::openapi::Refusals))]
pub async fn inbox_bot(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::AgentBot> {
    Ok(Json(api::inbox_bot(&api.caller(), id).await?))
}
