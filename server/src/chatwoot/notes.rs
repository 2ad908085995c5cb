//! Handlers: a contact's notes (`/contacts/{id}/notes`).
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::contact_notes;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}/notes", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The contact")), responses((status = 200, body = Vec<cw::ContactNote>, description = "The latest first"), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Vec<cw::ContactNote>> {
    Ok(Json(contact_notes::list(&api.caller(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts/{id}/notes", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The contact")), request_body = super::openapi::NoteBody, responses((status = 200, body = cw::ContactNote), super::openapi::Refusals))]
pub async fn create(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::ContactNote> {
    Ok(Json(contact_notes::create(&api.caller(), id, &body).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The contact"), ("note_id" = i64, Path)), responses((status = 200, body = cw::ContactNote), super::openapi::Refusals))]
pub async fn get(
    api: ApiAgent,
    Ids((_, id, note)): Ids<(i64, i64, i64)>,
) -> ApiResult<cw::ContactNote> {
    Ok(Json(contact_notes::get(&api.caller(), id, note).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The contact"), ("note_id" = i64, Path)), request_body = super::openapi::NoteBody, responses((status = 200, body = cw::ContactNote, description = "Changed (its author only)"), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id, note)): Ids<(i64, i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::ContactNote> {
    Ok(Json(
        contact_notes::update(&api.caller(), id, note, &body).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The contact"), ("note_id" = i64, Path)), responses((status = 200, description = "Deleted (its author or an administrator)"), super::openapi::Refusals))]
pub async fn delete(
    api: ApiAgent,
    Ids((_, id, note)): Ids<(i64, i64, i64)>,
) -> Result<(), ApiError> {
    Ok(contact_notes::remove(&api.caller(), id, note).await?)
}
