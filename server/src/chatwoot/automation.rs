//! Handlers: Chatwoot's automation rules (`/automation_rules`, administrators).
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::automation;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/automation_rules", tag = "automation_rules", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = super::openapi::AutomationRuleList), super::openapi::Refusals))]
pub async fn list(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": automation::list(&api.caller()).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/automation_rules", tag = "automation_rules", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::AutomationRuleBody, responses((status = 200, body = cw::AutomationRule), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::AutomationRule> {
    Ok(Json(automation::save(&api.caller(), None, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/automation_rules/{id}", tag = "automation_rules", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::AutomationRule), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::AutomationRule> {
    Ok(Json(automation::get(&api.caller(), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/automation_rules/{id}", tag = "automation_rules", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::AutomationRuleBody, responses((status = 200, body = cw::AutomationRule), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::AutomationRule> {
    Ok(Json(
        automation::save(&api.caller(), Some(id), &body).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/automation_rules/{id}", tag = "automation_rules", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn delete(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(automation::remove(&api.caller(), id).await?)
}
