//! Handlers: Chatwoot's notifications (`/notifications`, the caller's own) and her
//! notification settings (`/api/v1/notification_settings`).
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::{notification_settings, notifications};
use app::error::AppError;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/notifications", tag = "notifications", params(("account_id" = i64, Path, description = "The account"), ("page" = Option<i64>, Query, description = "From 1; 15 a page, the latest first")), responses((status = 200, body = cw::NotificationPage), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, params: Params) -> ApiResult<cw::NotificationPage> {
    let page = params.number("page")?.unwrap_or(1);
    Ok(Json(notifications::page(&api.caller(), page).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/notifications/unread_count", tag = "notifications", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = i64, description = "How many are unread"), super::openapi::Refusals))]
pub async fn unread_count(api: ApiAgent) -> ApiResult<i64> {
    Ok(Json(notifications::unread_count(&api.caller()).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/notifications/read_all", tag = "notifications", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::ReadAllBody, responses((status = 200, description = "Read"), super::openapi::Refusals))]
pub async fn read_all(
    api: ApiAgent,
    params: Params,
    Body(body): Body<Value>,
) -> Result<(), ApiError> {
    // Rails reads the fields from the body or the query string alike.
    let field = |key: &str| match body.get(key) {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => params.get(key).map(|s| s.trim().to_owned()),
    };
    let conversation = match field("primary_actor_type").as_deref() {
        None | Some("") => None,
        Some("Conversation") => Some(
            field("primary_actor_id")
                .and_then(|id| id.parse().ok())
                .ok_or(AppError::validation("primary_actor_id", "invalid"))?,
        ),
        Some(_) => return Err(AppError::validation("primary_actor_type", "invalid").into()),
    };
    Ok(notifications::read_all(&api.caller(), conversation).await?)
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/notifications/{id}", tag = "notifications", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Notification, description = "Marked read"), super::openapi::Refusals))]
pub async fn read(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Notification> {
    Ok(Json(notifications::mark(&api.caller(), id, true).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/notifications/{id}/unread", tag = "notifications", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Notification, description = "Unread again"), super::openapi::Refusals))]
pub async fn unread(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Notification> {
    Ok(Json(notifications::mark(&api.caller(), id, false).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/notifications/{id}", tag = "notifications", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Deleted"), super::openapi::Refusals))]
pub async fn delete(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(notifications::remove(&api.caller(), id).await?)
}

#[utoipa::path(get, path = "/api/v1/notification_settings", tag = "notifications", responses((status = 200, body = cw::NotificationSettings), super::openapi::Refusals))]
pub async fn settings(api: ApiAgent) -> ApiResult<cw::NotificationSettings> {
    Ok(Json(notification_settings::show(&api.caller()).await?))
}

#[utoipa::path(patch, path = "/api/v1/notification_settings", tag = "notifications", request_body = super::openapi::NotificationSettingsBody, responses((status = 200, body = cw::NotificationSettings), super::openapi::Refusals))]
pub async fn update_settings(
    api: ApiAgent,
    Body(body): Body<Value>,
) -> ApiResult<cw::NotificationSettings> {
    Ok(Json(
        notification_settings::update(&api.caller(), &body).await?,
    ))
}
