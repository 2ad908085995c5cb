//! Handlers: contacts.
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::contacts;
use app::error::AppError;

/// `current_page` as Chatwoot echoes it: the text sent, else 1.
fn current_page(params: &Params) -> Value {
    params.get("page").map_or(json!(1), |p| json!(p))
}

fn page_number(params: &Params) -> Result<i64, ApiError> {
    Ok(params.number("page")?.unwrap_or(1).max(1))
}

pub async fn list(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let page = page_number(&params)?;
    let (items, count) = contacts::list(&api.caller(), page, params.get("sort")).await?;
    Ok(Json(json!({
        "meta": {"count": count, "current_page": current_page(&params)},
        "payload": items,
    })))
}

pub async fn search(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let q = params.get("q").map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::App(AppError::validation("q", "required")));
    }
    let page = page_number(&params)?;
    let items = contacts::search(&api.caller(), q, page).await?;
    Ok(Json(json!({
        "meta": {"count": items.len(), "current_page": current_page(&params)},
        "payload": items,
    })))
}

pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::get(&api.caller(), id).await?}),
    ))
}

pub async fn create(api: ApiAgent, Body(body): Body<cw::ContactBody>) -> ApiResult<Value> {
    let (contact, contact_inbox) = contacts::create(&api.caller(), &body).await?;
    let contact_inbox = match contact_inbox {
        Some(ci) => json!({"inbox": ci.inbox, "source_id": ci.source_id}),
        None => json!({"inbox": null, "source_id": null}),
    };
    Ok(Json(
        json!({"payload": {"contact": contact, "contact_inbox": contact_inbox}}),
    ))
}

pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<cw::ContactBody>,
) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::update(&api.caller(), id, &body).await?}),
    ))
}

pub async fn conversations(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::conversations(&api.caller(), id).await?}),
    ))
}

pub async fn contactable_inboxes(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::contactable_inboxes(&api.caller(), id).await?}),
    ))
}
