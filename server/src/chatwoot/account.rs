//! Handlers: profile, agents, inboxes and members, teams, labels, canned responses.
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::account;

#[utoipa::path(get, path = "/api/v1/profile", tag = "profile", responses((status = 200, body = cw::Profile), super::openapi::Refusals))]
pub async fn profile(api: ApiAgent) -> ApiResult<cw::Profile> {
    Ok(Json(account::profile(&api.caller()).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/agents", tag = "agents", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = Vec<cw::Agent>), super::openapi::Refusals))]
pub async fn agents(api: ApiAgent) -> ApiResult<Vec<cw::Agent>> {
    Ok(Json(account::agents(&api.caller()).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/inboxes", tag = "inboxes", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = super::openapi::InboxList), super::openapi::Refusals))]
pub async fn inboxes(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::inboxes(&api.caller()).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/inboxes", tag = "inboxes", params(("account_id" = i64, Path, description = "The account")), request_body = cw::NewInboxBody, responses((status = 200, body = cw::Inbox), super::openapi::Refusals))]
pub async fn create_inbox(
    api: ApiAgent,
    Body(body): Body<cw::NewInboxBody>,
) -> ApiResult<cw::Inbox> {
    Ok(Json(
        app::chatwoot::ssr::api_inbox::create(&api.caller(), &body).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/inboxes/{id}", tag = "inboxes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = cw::NewInboxBody, responses((status = 200, body = cw::Inbox), super::openapi::Refusals))]
pub async fn update_inbox(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<cw::NewInboxBody>,
) -> ApiResult<cw::Inbox> {
    Ok(Json(
        app::chatwoot::ssr::api_inbox::update(&api.caller(), id, &body).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/inboxes/{id}", tag = "inboxes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Inbox), super::openapi::Refusals))]
pub async fn inbox(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Inbox> {
    Ok(Json(account::inbox(&api.caller(), id).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/inbox_members/{id}", tag = "inboxes", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::AgentPayload), super::openapi::Refusals))]
pub async fn inbox_members(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::inbox_members(&api.caller(), id).await?}),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/teams", tag = "teams", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = Vec<cw::Team>), super::openapi::Refusals))]
pub async fn teams(api: ApiAgent) -> ApiResult<Vec<cw::Team>> {
    Ok(Json(account::teams(&api.caller()).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/teams/{id}", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Team), super::openapi::Refusals))]
pub async fn team(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Team> {
    Ok(Json(account::team(&api.caller(), id).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/teams/{id}/team_members", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = Vec<cw::Agent>), super::openapi::Refusals))]
pub async fn team_members(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> ApiResult<Vec<cw::Agent>> {
    Ok(Json(account::team_members(&api.caller(), id).await?))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/labels", tag = "labels", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = super::openapi::LabelList), super::openapi::Refusals))]
pub async fn labels(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::labels(&api.caller()).await?}),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/labels/{id}", tag = "labels", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = cw::Label), super::openapi::Refusals))]
pub async fn label(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Label> {
    Ok(Json(account::label(&api.caller(), id).await?))
}

/// Chatwoot's clients send `{"label": {…}}` or the fields at the top.
pub(super) fn wrapped<'a>(body: &'a Value, key: &str) -> &'a Value {
    body.get(key).filter(|v| v.is_object()).unwrap_or(body)
}

pub(super) fn text<'a>(fields: &'a Value, key: &str) -> Option<&'a str> {
    fields.get(key).and_then(Value::as_str)
}

async fn save_label(api: &ApiAgent, id: Option<i64>, body: &Value) -> Result<cw::Label, ApiError> {
    let fields = wrapped(body, "label");
    let current = match id {
        Some(id) => Some(account::label(&api.caller(), id).await?),
        None => None,
    };
    let pick = |key: &str, now: Option<&String>| {
        text(fields, key)
            .map(str::to_owned)
            .or_else(|| now.cloned())
            .unwrap_or_default()
    };
    let title = pick("title", current.as_ref().map(|l| &l.title));
    let description = pick("description", current.as_ref().map(|l| &l.description));
    let color = pick("color", current.as_ref().map(|l| &l.color));
    let color = if color.is_empty() {
        "#1f93ff".to_owned()
    } else {
        color
    };
    let fields = account::LabelFields {
        title: &title,
        description: &description,
        color: &color,
    };
    Ok(account::save_label(&api.caller(), id, fields).await?)
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/labels", tag = "labels", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::LabelBody, responses((status = 200, body = cw::Label), super::openapi::Refusals))]
pub async fn create_label(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Label> {
    Ok(Json(save_label(&api, None, &body).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/labels/{id}", tag = "labels", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::LabelBody, responses((status = 200, body = cw::Label), super::openapi::Refusals))]
pub async fn update_label(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::Label> {
    Ok(Json(save_label(&api, Some(id), &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/labels/{id}", tag = "labels", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn delete_label(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(account::remove_label(&api.caller(), id).await?)
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/canned_responses", tag = "canned_responses", params(("account_id" = i64, Path, description = "The account"), ("search" = Option<String>, Query)), responses((status = 200, body = Vec<cw::CannedResponse>), super::openapi::Refusals))]
pub async fn canned(api: ApiAgent, params: Params) -> ApiResult<Vec<cw::CannedResponse>> {
    Ok(Json(
        account::canned(&api.caller(), params.get("search")).await?,
    ))
}

async fn save_canned(
    api: &ApiAgent,
    id: Option<i64>,
    body: &Value,
) -> Result<cw::CannedResponse, ApiError> {
    let fields = wrapped(body, "canned_response");
    let current = match id {
        Some(id) => Some(
            account::canned(&api.caller(), None)
                .await?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or(app::error::AppError::NotFound)?,
        ),
        None => None,
    };
    let short_code = text(fields, "short_code")
        .map(str::to_owned)
        .or_else(|| current.as_ref().map(|c| c.short_code.clone()))
        .unwrap_or_default();
    let content = text(fields, "content")
        .map(str::to_owned)
        .or_else(|| current.as_ref().map(|c| c.content.clone()))
        .unwrap_or_default();
    Ok(account::save_canned(&api.caller(), id, &short_code, &content).await?)
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/canned_responses", tag = "canned_responses", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::CannedBody, responses((status = 200, body = cw::CannedResponse), super::openapi::Refusals))]
pub async fn create_canned(
    api: ApiAgent,
    Body(body): Body<Value>,
) -> ApiResult<cw::CannedResponse> {
    Ok(Json(save_canned(&api, None, &body).await?))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/canned_responses/{id}", tag = "canned_responses", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::CannedBody, responses((status = 200, body = cw::CannedResponse), super::openapi::Refusals))]
pub async fn update_canned(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CannedResponse> {
    Ok(Json(save_canned(&api, Some(id), &body).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/canned_responses/{id}", tag = "canned_responses", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Removed"), super::openapi::Refusals))]
pub async fn delete_canned(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(account::remove_canned(&api.caller(), id).await?)
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}", tag = "account", params(("account_id" = i64, Path, description = "The account")), responses((status = 200, body = cw::AccountDetail), super::openapi::Refusals))]
pub async fn account(api: ApiAgent) -> ApiResult<cw::AccountDetail> {
    Ok(Json(
        app::chatwoot::ssr::account_detail::show(&api.caller()).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}", tag = "account", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::AccountBody, responses((status = 200, body = cw::AccountDetail), super::openapi::Refusals))]
pub async fn update_account(
    api: ApiAgent,
    Body(body): Body<Value>,
) -> ApiResult<cw::AccountDetail> {
    Ok(Json(
        app::chatwoot::ssr::account_detail::update(&api.caller(), &body).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/profile", tag = "profile", request_body = super::openapi::ProfileBody, responses((status = 200, body = cw::Profile), super::openapi::Refusals))]
pub async fn update_profile(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Profile> {
    Ok(Json(
        app::chatwoot::ssr::profile::update(&api.caller(), &body).await?,
    ))
}

/// The account a mobile client names, when it names one: it must be hers.
fn own_account(api: &ApiAgent, fields: &Value) -> Result<(), ApiError> {
    let named = match fields.get("account_id") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    };
    if named == Some(api.agent.account_id) {
        Ok(())
    } else {
        Err(ApiError::App(app::error::AppError::NotFound))
    }
}

/// `POST /api/v1/profile/availability` (Chatwoot's mobile app's status switch):
/// `{"profile": {"availability": "online" | "busy" | "offline", "account_id"}}`.
#[utoipa::path(post, path = "/api/v1/profile/availability", tag = "profile", request_body = super::openapi::ProfileBody, responses((status = 200, body = cw::Profile), super::openapi::Refusals))]
pub async fn set_availability(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Profile> {
    let fields = body.get("profile").unwrap_or(&body);
    own_account(&api, fields)?;
    let availability = fields.get("availability").cloned().unwrap_or(Value::Null);
    if availability.is_null() {
        return Err(ApiError::App(app::error::AppError::validation(
            "availability",
            "required",
        )));
    }
    let only = json!({ "availability": availability });
    Ok(Json(
        app::chatwoot::ssr::profile::update(&api.caller(), &only).await?,
    ))
}

/// `PUT /api/v1/profile/set_active_account` (as Chatwoot routes it; POST too): an agent has one account, which is
/// always the active one; another account's id is not hers (404).
#[utoipa::path(put, path = "/api/v1/profile/set_active_account", tag = "profile", request_body = super::openapi::ProfileBody, responses((status = 200, description = "Empty: the account is hers"), super::openapi::Refusals))]
pub async fn set_active_account(api: ApiAgent, Body(body): Body<Value>) -> Result<(), ApiError> {
    let fields = body.get("profile").unwrap_or(&body);
    if fields.get("account_id").is_none_or(Value::is_null) {
        return Err(ApiError::App(app::error::AppError::validation(
            "account_id",
            "required",
        )));
    }
    own_account(&api, fields)
}
