//! Handlers: conversations and their messages.
use axum::extract::FromRequest;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::{ApiActor, ApiAgent, Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::bots::act;
use app::chatwoot::ssr::conversations::{self, ListQuery};
use app::chatwoot::ssr::{changes, messages, start};
use app::error::AppError;

fn list_query(params: &Params) -> Result<ListQuery, ApiError> {
    Ok(ListQuery {
        status: params.get("status").map(str::to_owned),
        assignee_type: params.get("assignee_type").map(str::to_owned),
        inbox_id: params.number("inbox_id")?,
        team_id: params.number("team_id")?,
        labels: params.all("labels"),
        page: params.number("page")?,
        q: params.get("q").map(str::to_owned),
    })
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("status" = Option<String>, Query, description = "open (default), resolved, pending, snoozed, all"), ("assignee_type" = Option<String>, Query, description = "me, unassigned, assigned, all"), ("inbox_id" = Option<i64>, Query), ("team_id" = Option<i64>, Query), ("q" = Option<String>, Query), ("page" = Option<i64>, Query)), responses((status = 200, body = super::openapi::ConversationList), super::openapi::Refusals))]
pub async fn list(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let query = list_query(&params)?;
    let (meta, payload) = conversations::list(&api.caller(), &query).await?;
    Ok(Json(json!({"data": {"meta": meta, "payload": payload}})))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations/meta", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("status" = Option<String>, Query), ("inbox_id" = Option<i64>, Query), ("team_id" = Option<i64>, Query)), responses((status = 200, body = super::openapi::ConversationCounts), super::openapi::Refusals))]
pub async fn meta(api: ApiAgent, params: Params) -> ApiResult<Value> {
    let query = list_query(&params)?;
    Ok(Json(
        json!({"meta": conversations::meta(&api.caller(), &query).await?}),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/filter", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("page" = Option<i64>, Query)), request_body = cw::FilterBody, responses((status = 200, body = super::openapi::ConversationListData), super::openapi::Refusals))]
pub async fn filter(
    api: ApiAgent,
    params: Params,
    Body(body): Body<cw::FilterBody>,
) -> ApiResult<Value> {
    let page = params.number("page")?.unwrap_or(1);
    let (meta, payload) =
        app::chatwoot::ssr::conversation_filter::filter(&api.caller(), &body, page).await?;
    Ok(Json(json!({"meta": meta, "payload": payload})))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations/{id}", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path, description = "The conversation's number in the account")), responses((status = 200, body = cw::Conversation), super::openapi::Refusals))]
pub async fn get(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<cw::Conversation> {
    Ok(Json(conversations::get(&api.caller(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations", tag = "conversations", params(("account_id" = i64, Path, description = "The account")), request_body = cw::NewConversationBody, responses((status = 200, body = cw::Conversation), super::openapi::Refusals))]
pub async fn create(
    api: ApiAgent,
    Body(body): Body<cw::NewConversationBody>,
) -> ApiResult<cw::Conversation> {
    Ok(Json(start::create(&api.caller(), &body).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PriorityBody {
    #[serde(default)]
    priority: Option<String>,
}

/// `PATCH`: Chatwoot lets only the priority change here.
#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/conversations/{id}", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = PriorityBody, responses((status = 200, body = cw::Conversation), super::openapi::Refusals))]
pub async fn update(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<PriorityBody>,
) -> ApiResult<cw::Conversation> {
    let priority = body.priority.as_deref();
    let (caller, row) = match &actor {
        ApiActor::Agent(api) => {
            let caller = api.caller();
            let row = changes::set_priority(&caller, id, priority).await?;
            (caller, row)
        }
        ApiActor::Bot(api) => {
            let caller = api.caller();
            let row = act::set_priority(&caller, &api.bot, id, priority).await?;
            (caller, row)
        }
    };
    Ok(Json(conversations::one(&caller, row).await?))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/conversations/{id}", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 405, description = "Conversations are never deleted", body = super::openapi::ErrorBody), super::openapi::Refusals))]
pub async fn delete(_api: ApiAgent) -> Result<(), ApiError> {
    Err(ApiError::NotAllowed(
        "Conversations cannot be deleted: the history of what was said to a customer is kept. Resolve it instead.",
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatusBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    snoozed_until: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/toggle_status", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = StatusBody, responses((status = 200, body = super::openapi::StatusAnswer), super::openapi::Refusals))]
pub async fn toggle_status(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<StatusBody>,
) -> ApiResult<Value> {
    let (status, until) = (body.status.as_deref(), body.snoozed_until);
    let row = match &actor {
        ApiActor::Agent(api) => changes::toggle_status(&api.caller(), id, status, until).await?,
        ApiActor::Bot(api) => {
            act::toggle_status(&api.caller(), &api.bot, id, status, until).await?
        }
    };
    Ok(Json(json!({
        "meta": {},
        "payload": {
            "success": true,
            "conversation_id": row.display_id,
            "current_status": row.status.as_str(),
            "snoozed_until": row.snoozed_until.map(|ms| ms / 1000),
        }
    })))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/toggle_priority", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = PriorityBody, responses((status = 200, description = "Changed (empty body)"), super::openapi::Refusals))]
pub async fn toggle_priority(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<PriorityBody>,
) -> Result<(), ApiError> {
    let priority = body.priority.as_deref();
    match &actor {
        ApiActor::Agent(api) => changes::set_priority(&api.caller(), id, priority).await?,
        ApiActor::Bot(api) => act::set_priority(&api.caller(), &api.bot, id, priority).await?,
    };
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/assignments", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::AssignmentBody, responses((status = 200, description = "The agent or team now set, or null", body = Value), super::openapi::Refusals))]
pub async fn assignments(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<Value> {
    let number = |key: &str| -> Result<Option<i64>, ApiError> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .map(Some)
                .ok_or_else(|| ApiError::App(AppError::validation(key, "invalid"))),
        }
    };
    // A bot hands its conversation over (to an agent or a team) as agents do.
    if body.get("assignee_id").is_some() {
        let assignee = number("assignee_id")?;
        let agent = match &actor {
            ApiActor::Agent(api) => changes::assign(&api.caller(), id, assignee).await?,
            ApiActor::Bot(api) => act::assign(&api.caller(), &api.bot, id, assignee).await?,
        };
        return Ok(Json(json!(agent)));
    }
    if body.get("team_id").is_some() {
        let team_id = number("team_id")?;
        let team = match &actor {
            ApiActor::Agent(api) => changes::set_team(&api.caller(), id, team_id).await?,
            ApiActor::Bot(api) => act::set_team(&api.caller(), &api.bot, id, team_id).await?,
        };
        return Ok(Json(json!(team)));
    }
    Err(ApiError::App(AppError::validation(
        "assignee_id",
        "required",
    )))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations/{id}/labels", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, body = super::openapi::LabelTitles), super::openapi::Refusals))]
pub async fn labels(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> ApiResult<Value> {
    Ok(Json(
        json!({"payload": changes::labels(&api.caller(), id).await?}),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LabelsBody {
    #[serde(default)]
    pub(super) labels: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/labels", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = LabelsBody, responses((status = 200, body = super::openapi::LabelTitles), super::openapi::Refusals))]
pub async fn set_labels(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<LabelsBody>,
) -> ApiResult<Value> {
    let labels = changes::set_labels(&api.caller(), id, &body.labels).await?;
    Ok(Json(json!({"payload": labels})))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/conversations/{id}/messages", tag = "messages", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path), ("before" = Option<i64>, Query), ("after" = Option<i64>, Query)), responses((status = 200, body = super::openapi::MessagePage), super::openapi::Refusals))]
pub async fn messages(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    params: Params,
) -> ApiResult<Value> {
    let (before, after) = (params.number("before")?, params.number("after")?);
    let (meta, payload) = messages::list(&api.caller(), id, before, after).await?;
    Ok(Json(json!({"meta": meta, "payload": payload})))
}

/// A new message: JSON, or multipart/form-data with files (`attachments[]`).
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/messages", tag = "messages", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = cw::NewMessageBody, responses((status = 200, body = cw::Message), super::openapi::Refusals))]
pub async fn create_message(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    request: axum::extract::Request,
) -> ApiResult<cw::Message> {
    let api = match actor {
        ApiActor::Agent(api) => api,
        ApiActor::Bot(api) => {
            if super::multipart::is_multipart(&request) {
                return Err(ApiError::App(AppError::validation("content", "text_only")));
            }
            let Body(body) = Body::<cw::NewMessageBody>::from_request(request, &()).await?;
            return Ok(Json(
                act::reply(&api.caller(), &api.bot, id, new_message(body)?).await?,
            ));
        }
    };
    let new = if super::multipart::is_multipart(&request) {
        super::multipart::read(&api, id, request).await?
    } else {
        let Body(body) = Body::<cw::NewMessageBody>::from_request(request, &()).await?;
        new_message(body)?
    };
    Ok(Json(messages::create(&api.caller(), id, new).await?))
}

fn new_message(body: cw::NewMessageBody) -> Result<messages::NewMessage, ApiError> {
    let in_reply_to = cw::in_reply_to(body.content_attributes.as_ref())
        .map_err(|code| AppError::validation("content_attributes", code))?;
    Ok(messages::NewMessage {
        content: body.content,
        message_type: body.message_type,
        private: body.private,
        template: body.template_params,
        echo_id: body.echo_id,
        attachments: Vec::new(),
        in_reply_to,
    })
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/conversations/{id}/messages/{message_id}", tag = "messages", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path), ("message_id" = i64, Path)), responses((status = 405, description = "Messages are never deleted nor edited", body = super::openapi::ErrorBody), super::openapi::Refusals))]
pub async fn delete_message(_api: ApiAgent) -> Result<(), ApiError> {
    Err(ApiError::NotAllowed(
        "Messages cannot be deleted or edited: what was sent to a customer stays as it was sent.",
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AgentTypingBody {
    /// `on`, `off`, or `recording` (told as writing).
    #[serde(default)]
    typing_status: Option<String>,
    /// Writing a private note: only teammates (and webhooks that take notes) hear it.
    #[serde(default)]
    is_private: bool,
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/toggle_typing_status", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = AgentTypingBody, responses((status = 200, description = "Said (empty body)"), super::openapi::Refusals))]
pub async fn toggle_typing_status(
    actor: ApiActor,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<AgentTypingBody>,
) -> Result<(), ApiError> {
    let on = match body.typing_status.as_deref() {
        Some("on") | Some("recording") => true,
        Some("off") => false,
        _ => return Err(AppError::validation("typing_status", "invalid").into()),
    };
    match &actor {
        ApiActor::Agent(api) => changes::typing(&api.caller(), id, on, body.is_private).await?,
        ApiActor::Bot(api) => act::typing(&api.caller(), &api.bot, id, on, body.is_private).await?,
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/update_last_seen", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Read by the caller (empty body)"), super::openapi::Refusals))]
pub async fn update_last_seen(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
) -> Result<(), ApiError> {
    changes::seen(&api.caller(), id, true).await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/mute", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Muted: its customer blocked, the conversation resolved (empty body)"), super::openapi::Refusals))]
pub async fn mute(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    changes::set_muted(&api.caller(), id, true).await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/unmute", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Unmuted: its customer no longer blocked (empty body)"), super::openapi::Refusals))]
pub async fn unmute(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    changes::set_muted(&api.caller(), id, false).await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/conversations/{id}/unread", tag = "conversations", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Unread for the caller (empty body)"), super::openapi::Refusals))]
pub async fn unread(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    changes::seen(&api.caller(), id, false).await?;
    Ok(())
}
