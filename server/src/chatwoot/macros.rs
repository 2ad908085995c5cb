//! Handlers: Chatwoot's macros (`/macros`, every agent: her own and the shared ones).
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::macros;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/macros", tag = "macros", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = super::openapi::MacroList), super::openapi::Refusals))]
pub async fn list(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(json!({"payload": macros::list(&api.caller()).await?})))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/macros", tag = "macros", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::MacroBody, responses((status = 200, body = cw::Macro), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Macro> {
    Ok(Json(macros::save(&api.caller(), None, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/macros/{id}", tag = "macros", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Macro), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Macro> {
    Ok(Json(macros::get(&api.caller(), id).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/macros/{id}", tag = "macros", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::MacroBody, responses((status = 200, body = cw::Macro), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::Macro> {
    Ok(Json(macros::save(&api.caller(), Some(id), &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/macros/{id}", tag = "macros", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn delete(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(macros::remove(&api.caller(), id).await?)
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/macros/{id}/execute", tag = "macros", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::MacroExecuteBody, responses((status = 200, description = "Run on every conversation"), super::openapi::Refusals))]
pub async fn execute(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> Result<(), ApiError> {
    Ok(macros::execute(&api.caller(), id, &body).await?)
}
