//! `POST /api/uploads` (agents) and `POST /api/widget/uploads` (visitors): one file
//! per request, streamed as the raw body so the browser can show its progress; the
//! answer is the stored file's id, sent later with the message. Refusals answer 422
//! with the reason (`FileRefusal`), which the composer translates.
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use std::net::SocketAddr;

use crate::extract::{Agent, Visitor};
use app::conversations::ssr::access::visible_conversation;
use app::error::AppError;
use app::state::AppState;
use app::storage::uploads::{discard, store_upload, UploadError, UploadRequest, Uploader};
use app::wire::request::client_address_of;

#[derive(Debug, Deserialize)]
pub struct AgentUpload {
    /// The conversation the file is for; or, for the header of a template that opens a
    /// conversation (Nueva conversación), the inbox.
    conversation_id: Option<i64>,
    inbox_id: Option<i64>,
    name: String,
    #[serde(default)]
    voice: bool,
    duration_ms: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct VisitorUpload {
    name: String,
    #[serde(default)]
    voice: bool,
    duration_ms: Option<i64>,
}

fn answer(result: Result<app::domain::attachment::UploadedFile, UploadError>) -> Response {
    match result {
        Ok(file) => (StatusCode::CREATED, Json(file)).into_response(),
        Err(UploadError::Refused(refusal)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Json(refusal)).into_response()
        }
        Err(UploadError::Interrupted(reason)) => {
            tracing::info!(reason, "upload interrupted; nothing kept");
            AppError::Transport("upload interrupted".into()).into_response()
        }
        Err(UploadError::App(err)) => err.into_response(),
    }
}

/// Stores the request's body for `uploader`.
async fn store(
    state: &AppState,
    uploader: &Uploader,
    file_name: String,
    voice: bool,
    duration_ms: Option<i64>,
    body: Body,
) -> Result<app::domain::attachment::UploadedFile, UploadError> {
    let request = UploadRequest {
        file_name,
        voice,
        client_duration_ms: duration_ms,
    };
    store_upload(
        &state.db,
        &state.settings.files,
        &state.settings.uploads,
        uploader,
        &request,
        body.into_data_stream(),
    )
    .await
}

pub async fn agent_upload(
    State(state): State<AppState>,
    Agent(session): Agent,
    Query(query): Query<AgentUpload>,
    body: Body,
) -> Response {
    let agent = &session.agent;
    let uploader = match (query.conversation_id, query.inbox_id) {
        (Some(id), _) => match visible_conversation(&state.db, agent.into(), id).await {
            Ok(conversation) => Uploader::agent(
                agent.account_id,
                agent.id,
                conversation.id,
                conversation.channel,
            ),
            Err(err) => return err.into_response(),
        },
        (None, Some(inbox_id)) => {
            match app::contacts::ssr::start::startable_channel(&state.db, agent, inbox_id).await {
                Ok(channel) => {
                    Uploader::agent_new_conversation(agent.account_id, agent.id, channel)
                }
                Err(err) => return err.into_response(),
            }
        }
        (None, None) => return AppError::validation("conversation_id", "required").into_response(),
    };
    answer(
        store(
            &state,
            &uploader,
            query.name,
            query.voice,
            query.duration_ms,
            body,
        )
        .await,
    )
}

pub async fn agent_discard(
    State(state): State<AppState>,
    Agent(session): Agent,
    Path(id): Path<i64>,
) -> Response {
    match discard(&state.db, &format!("agent:{}", session.agent.id), id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}

/// The visitor's uploader (she must have written once: the widget keeps her token).
fn visitor_uploader(state: &AppState, visitor: &Visitor) -> Uploader {
    let pending = state.widget_guard.limits().pending();
    Uploader::visitor(visitor.inbox.account_id, visitor.identity_id, pending)
}

pub async fn visitor_upload(
    State(state): State<AppState>,
    Query(query): Query<VisitorUpload>,
    visitor: Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let address = client_address_of(&headers, Some(peer), state.settings.trust_proxy);
    // An upload counts as a message: one address cannot fill the disk faster.
    if let Err(err) = state
        .widget_guard
        .message(visitor.inbox.id, address.as_deref())
    {
        return err.into_response();
    }
    let uploader = visitor_uploader(&state, &visitor);
    let stored = store(
        &state,
        &uploader,
        query.name,
        query.voice,
        query.duration_ms,
        body,
    )
    .await;
    if let Ok(file) = &stored {
        // Its megabytes count against the address once they are known; past the
        // hour's allowance the file goes again.
        let volume = state
            .widget_guard
            .uploaded(address.as_deref(), file.byte_size.max(0) as u64);
        if let Err(err) = volume {
            if let Err(gone) = discard(&state.db, &uploader.owner, file.id).await {
                tracing::warn!(error = %gone, "a throttled upload was not removed");
            }
            return err.into_response();
        }
    }
    answer(stored)
}

pub async fn visitor_discard(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> Response {
    let uploader = visitor_uploader(&state, &visitor);
    match discard(&state.db, &uploader.owner, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}
