//! `POST /api/uploads` (agents) and `POST /api/widget/uploads` (visitors): one file
//! per request, streamed as the raw body so the browser can show its progress; the
//! answer is the stored file's id, sent later with the message. Refusals answer 422
//! with the reason (`FileRefusal`), which the composer translates.
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use std::net::SocketAddr;

use app::auth::ssr::{client_address_of, Session};
use app::conversations::ssr::access::visible_conversation;
use app::error::AppError;
use app::state::AppState;
use app::storage::uploads::{discard, store_upload, UploadError, UploadRequest, Uploader};
use app::widget::ssr::{inbox_by_token, visitor};

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
    token: String,
    /// Older widgets sent it here; today's send the `x-charla-visitor` header.
    visitor: Option<String>,
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
    session: Option<Extension<Session>>,
    Query(query): Query<AgentUpload>,
    body: Body,
) -> Response {
    let Some(Extension(session)) = session else {
        return AppError::Unauthorized.into_response();
    };
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
    session: Option<Extension<Session>>,
    Path(id): Path<i64>,
) -> Response {
    let Some(Extension(session)) = session else {
        return AppError::Unauthorized.into_response();
    };
    match discard(&state.db, &format!("agent:{}", session.agent.id), id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}

/// The visitor's identity (they must have written once: the widget keeps the token).
async fn visitor_uploader(
    state: &AppState,
    token: &str,
    visitor_token: &str,
) -> Result<(Uploader, i64), AppError> {
    let inbox = inbox_by_token(&state.db, token).await?;
    let (identity, _) = visitor(&state.db, inbox.id, visitor_token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let pending = state.widget_guard.limits().pending();
    Ok((
        Uploader::visitor(inbox.account_id, identity, pending),
        inbox.id,
    ))
}

pub async fn visitor_upload(
    State(state): State<AppState>,
    Query(query): Query<VisitorUpload>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let address = client_address_of(&headers, Some(peer), state.settings.trust_proxy);
    let visitor = match visitor_token(&headers, query.visitor.as_deref()) {
        Ok(visitor) => visitor,
        Err(err) => return err.into_response(),
    };
    let counted = visitor_uploader(&state, &query.token, visitor)
        .await
        .and_then(|(uploader, inbox_id)| {
            // An upload counts as a message: one address cannot fill the disk faster.
            state
                .widget_guard
                .message(inbox_id, address.as_deref())
                .map(|()| uploader)
        });
    let uploader = match counted {
        Ok(uploader) => uploader,
        Err(err) => return err.into_response(),
    };
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

#[derive(Debug, Deserialize)]
pub struct VisitorAuth {
    token: String,
    visitor: Option<String>,
}

/// The visitor token: the header the widget sends, else the query (older widgets).
fn visitor_token<'a>(headers: &'a HeaderMap, query: Option<&'a str>) -> Result<&'a str, AppError> {
    headers
        .get(app::widget::VISITOR_HEADER)
        .and_then(|v| v.to_str().ok())
        .or(query)
        .ok_or(AppError::Unauthorized)
}

pub async fn visitor_discard(
    State(state): State<AppState>,
    Query(query): Query<VisitorAuth>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let visitor = match visitor_token(&headers, query.visitor.as_deref()) {
        Ok(visitor) => visitor,
        Err(err) => return err.into_response(),
    };
    let uploader = match visitor_uploader(&state, &query.token, visitor).await {
        Ok((uploader, _)) => uploader,
        Err(err) => return err.into_response(),
    };
    match discard(&state.db, &uploader.owner, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}
