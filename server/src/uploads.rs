//! `POST /api/uploads` (agents) and `POST /api/widget/uploads` (visitors): one file
//! per request, streamed as the raw body so the browser can show its progress; the
//! answer is the stored file's id, sent later with the message. Refusals answer 422
//! with the reason (`FileRefusal`), which the composer translates.
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::StatusCode;
use serde::Deserialize;

use app::auth::ssr::Session;
use app::conversations::ssr::access::visible_conversation;
use app::error::AppError;
use app::state::AppState;
use app::storage::uploads::{discard, store_upload, UploadError, UploadRequest, Uploader};
use app::widget::ssr::visitor_by_tokens;

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
    visitor: String,
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
    uploader: Uploader,
    file_name: String,
    voice: bool,
    duration_ms: Option<i64>,
    body: Body,
) -> Response {
    let request = UploadRequest {
        file_name,
        voice,
        client_duration_ms: duration_ms,
    };
    answer(
        store_upload(
            &state.db,
            &state.settings.files,
            &state.settings.uploads,
            &uploader,
            &request,
            body.into_data_stream(),
        )
        .await,
    )
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
    store(
        &state,
        uploader,
        query.name,
        query.voice,
        query.duration_ms,
        body,
    )
    .await
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
) -> Result<Uploader, AppError> {
    let (account_id, identity) = visitor_by_tokens(&state.db, token, visitor_token).await?;
    Ok(Uploader::visitor(account_id, identity))
}

pub async fn visitor_upload(
    State(state): State<AppState>,
    Query(query): Query<VisitorUpload>,
    body: Body,
) -> Response {
    match visitor_uploader(&state, &query.token, &query.visitor).await {
        Ok(uploader) => {
            store(
                &state,
                uploader,
                query.name,
                query.voice,
                query.duration_ms,
                body,
            )
            .await
        }
        Err(err) => err.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct VisitorAuth {
    token: String,
    visitor: String,
}

pub async fn visitor_discard(
    State(state): State<AppState>,
    Query(query): Query<VisitorAuth>,
    Path(id): Path<i64>,
) -> Response {
    let uploader = match visitor_uploader(&state, &query.token, &query.visitor).await {
        Ok(uploader) => uploader,
        Err(err) => return err.into_response(),
    };
    match discard(&state.db, &uploader.owner, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}
