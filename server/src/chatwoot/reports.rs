//! Chatwoot's reports API v2: a period's summary (with the period before it) and the
//! conversations open now, for administrators.
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Params};
use super::error::ApiResult;
use app::chatwoot::ssr::reports;
use app::error::AppError;

#[utoipa::path(get, path = "/api/v2/accounts/{account_id}/reports/summary", tag = "reports", params(("account_id" = i64, Path, description = "The account"), ("type" = Option<String>, Query, description = "account, inbox, agent, team or label"), ("id" = Option<i64>, Query), ("since" = i64, Query, description = "Unix seconds"), ("until" = i64, Query, description = "Unix seconds"), ("business_hours" = Option<bool>, Query)), responses((status = 200, description = "The period's figures and the previous period's"), super::openapi::Refusals))]
pub async fn summary(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let scope = reports::scope_of(params.get("type"), params.number("id")?)?;
    let since = params
        .number("since")?
        .ok_or(AppError::validation("since", "required"))?;
    let until = params
        .number("until")?
        .ok_or(AppError::validation("until", "required"))?;
    let business = params.get("business_hours") == Some("true");
    Ok(Json(
        reports::summary(&api.caller(), scope, since, until, business).await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/accounts/{account_id}/reports/conversations", tag = "reports", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, description = "open, unattended and unassigned conversations now"), super::openapi::Refusals))]
pub async fn conversations(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(reports::conversations_now(&api.caller()).await?))
}
