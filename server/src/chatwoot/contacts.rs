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

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("page" = Option<i64>, Query), ("sort" = Option<String>, Query, description = "name, email, phone_number, last_activity_at, created_at, company_name; - for descending")), responses((status = 200, body = super::openapi::ContactPage), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let page = page_number(&params)?;
    let (items, count) = contacts::list(&api.caller(), page, params.get("sort")).await?;
    Ok(Json(json!({
        "meta": {"count": count, "current_page": current_page(&params)},
        "payload": items,
    })))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/search", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("q" = String, Query), ("page" = Option<i64>, Query)), responses((status = 200, body = super::openapi::ContactPage), super::openapi::Refusals))]
pub async fn search(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let q = params.get("q").map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::App(AppError::validation("q", "required")));
    }
    let page = page_number(&params)?;
    let (items, count) = contacts::search(&api.caller(), q, page).await?;
    Ok(Json(json!({
        "meta": {"count": count, "current_page": current_page(&params)},
        "payload": items,
    })))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::ContactOne), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::get(&api.caller(), id).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts", tag = "contacts", params(("account_id" = i64, Path, description = "The account")), request_body = cw::ContactBody, responses((status = 200, body = super::openapi::ContactCreated), super::openapi::Refusals))]
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

#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/contacts/{id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = cw::ContactBody, responses((status = 200, body = super::openapi::ContactOne), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<cw::ContactBody>,
) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::update(&api.caller(), id, &body).await?}),
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/contacts/{id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Deleted with her conversations (administrators only)"), super::openapi::Refusals))]
pub async fn delete(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    contacts::delete(&api.caller(), id).await?;
    Ok(Json(Value::Null))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}/conversations", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::ConversationPayload), super::openapi::Refusals))]
pub async fn conversations(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::conversations(&api.caller(), id).await?}),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}/contactable_inboxes", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::ContactInboxes), super::openapi::Refusals))]
pub async fn contactable_inboxes(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::contactable_inboxes(&api.caller(), id).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts/{id}/contact_inboxes", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = cw::ContactInboxBody, responses((status = 200, body = cw::ContactInbox), super::openapi::Refusals))]
pub async fn create_contact_inbox(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<cw::ContactInboxBody>,
) -> ApiResult<cw::ContactInbox> {
    Ok(Json(
        app::chatwoot::ssr::api_start::contact_inbox(
            &api.caller(),
            id,
            body.inbox_id,
            body.source_id.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}/labels", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::LabelTitles), super::openapi::Refusals))]
pub async fn labels(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": contacts::labels(&api.caller(), id).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts/{id}/labels", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::conversations::LabelsBody, responses((status = 200, body = super::openapi::LabelTitles), super::openapi::Refusals))]
pub async fn set_labels(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<super::conversations::LabelsBody>,
) -> ApiResult<Value> {
    let labels = contacts::set_labels(&api.caller(), id, &body.labels).await?;
    Ok(Json(json!({"payload": labels})))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts/filter", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("page" = Option<i64>, Query)), request_body = cw::FilterBody, responses((status = 200, body = super::openapi::ContactPage), super::openapi::Refusals))]
pub async fn filter(
    api: ApiAgent,
    params: Params,
    Body(body): Body<cw::FilterBody>,
) -> ApiResult<Value> {
    let page = page_number(&params)?;
    let (items, count) =
        app::chatwoot::ssr::contact_filter::filter(&api.caller(), &body, page).await?;
    Ok(Json(json!({
        "meta": {"count": count, "current_page": current_page(&params)},
        "payload": items,
    })))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/actions/contact_merge", tag = "contacts", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::ContactMergeBody, responses((status = 200, body = cw::Contact, description = "The base contact, with everything of the mergee's; the mergee is deleted"), super::openapi::Refusals))]
pub async fn merge(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Contact> {
    let id = |key: &str| -> Result<i64, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Err(AppError::validation(key, "required").into()),
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| AppError::validation(key, "invalid").into()),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map_err(|_| AppError::validation(key, "invalid").into()),
            Some(_) => Err(AppError::validation(key, "invalid").into()),
        }
    };
    let (base, mergee) = (id("base_contact_id")?, id("mergee_contact_id")?);
    Ok(Json(contacts::merge(&api.caller(), base, mergee).await?))
}
