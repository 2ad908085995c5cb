//! Handlers: custom attribute definitions, a conversation's values, dropping a contact's
//! or a conversation's, and a conversation's reporting events (what the reports measured).
use axum::Json;
use serde_json::Value;

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::{contacts, custom_attributes};
use app::error::AppError;

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/custom_attribute_definitions", tag = "custom_attributes", params(("account_id" = i64, Path, description = "The account"), ("attribute_model" = Option<String>, Query, description = "conversation_attribute (0) or contact_attribute (1); both when left out")), responses((status = 200, body = Vec<cw::CustomAttributeDefinition>), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, params: Params) -> ApiResult<Vec<cw::CustomAttributeDefinition>> {
    let model = custom_attributes::model_filter(params.get("attribute_model"))?;
    Ok(Json(custom_attributes::list(&api.caller(), model).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}", tag = "custom_attributes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::CustomAttributeDefinition), super::openapi::Refusals))]
pub async fn get(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> ApiResult<cw::CustomAttributeDefinition> {
    Ok(Json(custom_attributes::get(&api.caller(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/custom_attribute_definitions", tag = "custom_attributes", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::CustomAttributeDefinitionBody, responses((status = 200, body = cw::CustomAttributeDefinition), super::openapi::Refusals))]
pub async fn create(
    api: ApiAgent,
    Body(body): Body<Value>,
) -> ApiResult<cw::CustomAttributeDefinition> {
    Ok(Json(
        custom_attributes::save(&api.caller(), None, &body).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}", tag = "custom_attributes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::CustomAttributeDefinitionBody, responses((status = 200, body = cw::CustomAttributeDefinition), super::openapi::Refusals))]
pub async fn update(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CustomAttributeDefinition> {
    Ok(Json(
        custom_attributes::save(&api.caller(), Some(id), &body).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}", tag = "custom_attributes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 204, description = "Deleted; values under its key stay"), super::openapi::Refusals))]
pub async fn delete(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> Result<axum::http::StatusCode, ApiError> {
    custom_attributes::remove(&api.caller(), id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/custom_attributes", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The conversation's number")), request_body = super::openapi::CustomAttributesBody, responses((status = 200, body = cw::CustomAttributes), super::openapi::Refusals))]
pub async fn set_conversation_values(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CustomAttributes> {
    let values = body
        .get("custom_attributes")
        .ok_or_else(|| AppError::validation("custom_attributes", "required"))?;
    Ok(Json(
        custom_attributes::set_conversation_values(&api.caller(), id, values).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/contacts/{id}/destroy_custom_attributes", tag = "contacts", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::AttributeKeysBody, responses((status = 200, body = super::openapi::ContactOne), super::openapi::Refusals))]
pub async fn destroy_contact_values(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<Value> {
    let contact = contacts::destroy_custom_attributes(&api.caller(), id, keys_of(&body)?).await?;
    Ok(Json(serde_json::json!({ "payload": contact })))
}

/// The keys a `destroy_custom_attributes` body names: `{"custom_attributes": ["key"]}`.
fn keys_of(body: &Value) -> Result<Vec<String>, AppError> {
    match body.get("custom_attributes") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|k| {
                k.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| AppError::validation("custom_attributes", "invalid"))
            })
            .collect(),
        Some(_) => Err(AppError::validation("custom_attributes", "invalid")),
        None => Err(AppError::validation("custom_attributes", "required")),
    }
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/destroy_custom_attributes", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The conversation's number")), request_body = super::openapi::AttributeKeysBody, responses((status = 200, body = cw::CustomAttributes), super::openapi::Refusals))]
pub async fn destroy_conversation_values(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CustomAttributes> {
    Ok(Json(
        custom_attributes::destroy_conversation_values(&api.caller(), id, keys_of(&body)?).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations/{id}/reporting_events", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The conversation's number")), responses((status = 200, body = Vec<cw::ReportingEvent>, description = "Oldest first"), super::openapi::Refusals))]
pub async fn reporting_events(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> ApiResult<Vec<cw::ReportingEvent>> {
    Ok(Json(
        app::chatwoot::ssr::reporting_events::list(&api.caller(), id).await?,
    ))
}
