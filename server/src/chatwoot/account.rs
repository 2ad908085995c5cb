//! Handlers: profile, agents, inboxes and members, teams, labels, canned responses.
use axum::Json;
use serde_json::{json, Value};

use super::caller::{ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::account;

pub async fn profile(api: ApiAgent) -> ApiResult<cw::Profile> {
    Ok(Json(account::profile(&api.caller()).await?))
}

pub async fn agents(api: ApiAgent) -> ApiResult<Vec<cw::Agent>> {
    Ok(Json(account::agents(&api.caller()).await?))
}

pub async fn inboxes(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::inboxes(&api.caller()).await?}),
    ))
}

pub async fn inbox(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Inbox> {
    Ok(Json(account::inbox(&api.caller(), id).await?))
}

pub async fn inbox_members(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::inbox_members(&api.caller(), id).await?}),
    ))
}

pub async fn teams(api: ApiAgent) -> ApiResult<Vec<cw::Team>> {
    Ok(Json(account::teams(&api.caller()).await?))
}

pub async fn team(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Team> {
    Ok(Json(account::team(&api.caller(), id).await?))
}

pub async fn team_members(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> ApiResult<Vec<cw::Agent>> {
    Ok(Json(account::team_members(&api.caller(), id).await?))
}

pub async fn labels(api: ApiAgent) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": account::labels(&api.caller()).await?}),
    ))
}

pub async fn label(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Label> {
    Ok(Json(account::label(&api.caller(), id).await?))
}

/// Chatwoot's clients send `{"label": {…}}` or the fields at the top.
fn wrapped<'a>(body: &'a Value, key: &str) -> &'a Value {
    body.get(key).filter(|v| v.is_object()).unwrap_or(body)
}

fn text<'a>(fields: &'a Value, key: &str) -> Option<&'a str> {
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

pub async fn create_label(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Label> {
    Ok(Json(save_label(&api, None, &body).await?))
}

pub async fn update_label(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::Label> {
    Ok(Json(save_label(&api, Some(id), &body).await?))
}

pub async fn delete_label(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(account::remove_label(&api.caller(), id).await?)
}

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

pub async fn create_canned(
    api: ApiAgent,
    Body(body): Body<Value>,
) -> ApiResult<cw::CannedResponse> {
    Ok(Json(save_canned(&api, None, &body).await?))
}

pub async fn update_canned(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::CannedResponse> {
    Ok(Json(save_canned(&api, Some(id), &body).await?))
}

pub async fn delete_canned(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(account::remove_canned(&api.caller(), id).await?)
}
