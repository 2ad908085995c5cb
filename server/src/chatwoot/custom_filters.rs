//! Handlers: Chatwoot's custom filters (`/custom_filters`, each agent her own).
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::custom_filters;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/custom_filters", tag = "custom_filters", params(("account_id" = i64, Path, description = "The account"), ("filter_type" = Option<String>, Query, description = "conversation (the default), contact or report")), responses((status = 200, body = Vec<cw::CustomFilter>), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, params: Params) -> ApiResult<Vec<cw::CustomFilter>> {
    let kind = custom_filters::type_filter(params.get("filter_type"))?;
    Ok(Json(custom_filters::list(&api.caller(), kind).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/custom_filters/{id}", tag = "custom_filters", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::CustomFilter), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::CustomFilter> {
    Ok(Json(custom_filters::get(&api.caller(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/custom_filters", tag = "custom_filters", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::CustomFilterBody, responses((status = 200, body = cw::CustomFilter), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::CustomFilter> {
    Ok(Json(
        custom_filters::save(&api.caller(), None, &body).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/custom_filters/{id}", tag = "custom_filters", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::CustomFilterBody, responses((status = 200, body = cw::CustomFilter), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CustomFilter> {
    Ok(Json(
        custom_filters::save(&api.caller(), Some(id), &body).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/custom_filters/{id}", tag = "custom_filters", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 204, description = "Deleted"), super::openapi::Refusals))]
pub async fn delete(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> Result<axum::http::StatusCode, ApiError> {
    custom_filters::remove(&api.caller(), id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
