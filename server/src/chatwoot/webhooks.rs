//! Handlers: webhooks (administrators), in Chatwoot's shapes.
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::ssr::webhooks::store;
use app::chatwoot::webhooks::model::{WebhookInput, WebhookView};

fn shaped(hook: WebhookView, account_id: i64) -> Value {
    json!({
        "id": hook.id,
        "name": hook.name,
        "url": hook.url,
        "account_id": account_id,
        "subscriptions": hook.subscriptions,
        "include_private": hook.include_private,
        "secret": hook.secret,
    })
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/webhooks", tag = "webhooks", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = super::openapi::WebhookList), super::openapi::Refusals))]
pub async fn list(api: ApiAgent) -> ApiResult<Value> {
    let state = &api.state;
    let hooks = store::list(&state.db, &state.settings.secrets, &api.agent).await?;
    let account = api.agent.account_id;
    let hooks: Vec<Value> = hooks.into_iter().map(|h| shaped(h, account)).collect();
    Ok(Json(json!({"payload": {"webhooks": hooks}})))
}

/// Chatwoot's clients send `{"webhook": {…}}` or the fields at the top; a field not
/// sent keeps its value.
fn input_of(body: &Value, current: Option<&WebhookView>) -> Result<WebhookInput, ApiError> {
    let fields = body
        .get("webhook")
        .filter(|v| v.is_object())
        .unwrap_or(body);
    let text = |key: &str, now: Option<&String>| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| now.cloned())
            .unwrap_or_default()
    };
    let subscriptions = match fields.get("subscriptions") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ApiError::App(app::error::AppError::validation("subscriptions", "invalid"))
            })?,
        Some(_) => {
            return Err(ApiError::App(app::error::AppError::validation(
                "subscriptions",
                "invalid",
            )))
        }
        None => current.map(|c| c.subscriptions.clone()).unwrap_or_default(),
    };
    Ok(WebhookInput {
        name: text("name", current.map(|c| &c.name)),
        url: text("url", current.map(|c| &c.url)),
        subscriptions,
        include_private: fields
            .get("include_private")
            .and_then(Value::as_bool)
            .or(current.map(|c| c.include_private))
            .unwrap_or(false),
    })
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/webhooks", tag = "webhooks", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::WebhookBody, responses((status = 200, body = super::openapi::WebhookOne), super::openapi::Refusals))]
pub async fn create(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<Value> {
    let state = &api.state;
    let input = input_of(&body, None)?;
    let settings = &state.settings;
    let hook = store::save(
        &state.db,
        &settings.secrets,
        &settings.outbound,
        &api.agent,
        None,
        &input,
    )
    .await?;
    Ok(Json(
        json!({"payload": {"webhook": shaped(hook, api.agent.account_id)}}),
    ))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/webhooks/{id}", tag = "webhooks", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::WebhookBody, responses((status = 200, body = super::openapi::WebhookOne), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<Value> {
    let state = &api.state;
    let settings = &state.settings;
    let current = store::get(&state.db, &settings.secrets, &api.agent, id).await?;
    let input = input_of(&body, Some(&current))?;
    let hook = store::save(
        &state.db,
        &settings.secrets,
        &settings.outbound,
        &api.agent,
        Some(id),
        &input,
    )
    .await?;
    Ok(Json(
        json!({"payload": {"webhook": shaped(hook, api.agent.account_id)}}),
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/webhooks/{id}", tag = "webhooks", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn delete(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(store::remove(&api.state.db, &api.agent, id).await?)
}
