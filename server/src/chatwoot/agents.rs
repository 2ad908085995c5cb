//! Handlers: adding, changing and removing agents (administrators).
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::agents;

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/agents", tag = "agents", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::AgentBody, responses((status = 200, body = cw::Agent, description = "Added, unconfirmed until she chooses her password through the invitation link"), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Agent> {
    Ok(Json(agents::create(&api.caller(), &body).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/agents/{id}", tag = "agents", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::AgentBody, responses((status = 200, body = cw::Agent), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::Agent> {
    Ok(Json(agents::update(&api.caller(), id, &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/agents/{id}", tag = "agents", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed from the account: deactivated, her history kept (empty body)"), super::openapi::Refusals))]
pub async fn remove(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    agents::remove(&api.caller(), id).await?;
    Ok(())
}
