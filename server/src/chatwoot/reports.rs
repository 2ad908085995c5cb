//! Chatwoot's reports API v2: a metric over time, a period's summary (with the period
//! before it) and the conversations open now, for administrators.
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Params};
use super::error::ApiResult;
use app::chatwoot::ssr::reports;
use app::error::AppError;
use app::reports::ssr::series::{Grouping, Metric};

/// `since` and `until`, both required.
fn window(params: &Params) -> Result<(i64, i64), super::error::ApiError> {
    let since = params
        .number("since")?
        .ok_or(AppError::validation("since", "required"))?;
    let until = params
        .number("until")?
        .ok_or(AppError::validation("until", "required"))?;
    Ok((since, until))
}

#[utoipa::path(get, path = "/api/v2/accounts/{account_id}/reports", tag = "reports", params(("account_id" = i64, Path, description = "The account"), ("metric" = String, Query, description = "conversations_count, incoming_messages_count, outgoing_messages_count, resolutions_count, avg_first_response_time, avg_resolution_time or reply_time"), ("type" = Option<String>, Query, description = "account, inbox, agent, team or label"), ("id" = Option<i64>, Query), ("since" = i64, Query, description = "Unix seconds"), ("until" = i64, Query, description = "Unix seconds"), ("group_by" = Option<String>, Query, description = "hour, day (the default), week, month or year"), ("timezone_offset" = Option<f64>, Query, description = "Hours from UTC the buckets are cut in; UTC when left out"), ("business_hours" = Option<bool>, Query)), responses((status = 200, description = "One point per bucket: value, timestamp (Unix seconds) and, for the averages, count"), super::openapi::Refusals))]
pub async fn series(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let caller = api.caller();
    reports::allowed(&caller)?;
    let metric = params
        .get("metric")
        .ok_or(AppError::validation("metric", "required"))
        .and_then(|m| Metric::parse(m).ok_or(AppError::validation("metric", "invalid")))?;
    let scope = reports::scope_of(params.get("type"), params.number("id")?)?;
    let (since, until) = window(&params)?;
    let grouping = Grouping::parse(params.get("group_by"));
    let tz = reports::zone_of(params.get("timezone_offset"))?;
    let business = params.get("business_hours") == Some("true");
    Ok(Json(
        reports::series(
            &caller, metric, scope, since, until, grouping, &tz, business,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/accounts/{account_id}/reports/summary", tag = "reports", params(("account_id" = i64, Path, description = "The account"), ("type" = Option<String>, Query, description = "account, inbox, agent, team or label"), ("id" = Option<i64>, Query), ("since" = i64, Query, description = "Unix seconds"), ("until" = i64, Query, description = "Unix seconds"), ("business_hours" = Option<bool>, Query)), responses((status = 200, description = "The period's figures and the previous period's"), super::openapi::Refusals))]
pub async fn summary(api: ApiAgent, params: Params) -> ApiResult<Value> {
    reports::allowed(&api.caller())?;
    let scope = reports::scope_of(params.get("type"), params.number("id")?)?;
    let (since, until) = window(&params)?;
    let business = params.get("business_hours") == Some("true");
    Ok(Json(
        reports::summary(&api.caller(), scope, since, until, business).await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/accounts/{account_id}/reports/conversations", tag = "reports", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, description = "open, unattended and unassigned conversations now"), super::openapi::Refusals))]
pub async fn conversations(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(reports::conversations_now(&api.caller()).await?))
}
