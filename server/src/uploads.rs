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
use app::widget::ssr::{inbox_by_token, visitor};

#[derive(Debug, Deserialize)]
pub struct AgentUpload {
    conversation_id: i64,
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
    let conversation =
        match visible_conversation(&state.db, agent.into(), query.conversation_id).await {
            Ok(conversation) => conversation,
            Err(err) => return err.into_response(),
        };
    let uploader = Uploader::agent(
        agent.account_id,
        agent.id,
        conversation.id,
        conversation.channel,
    );
    let request = UploadRequest {
        file_name: query.name,
        voice: query.voice,
        client_duration_ms: query.duration_ms,
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

/// The visitor's identity (they must have written once, or be writing now with a
/// token the widget got from `widget/open`).
async fn visitor_uploader(
    state: &AppState,
    token: &str,
    visitor_token: &str,
) -> Result<Uploader, AppError> {
    let inbox = inbox_by_token(&state.db, token).await?;
    let (identity, _) = visitor(&state.db, inbox.id, visitor_token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Uploader::visitor(inbox.account_id, identity))
}

pub async fn visitor_upload(
    State(state): State<AppState>,
    Query(query): Query<VisitorUpload>,
    body: Body,
) -> Response {
    let uploader = match visitor_uploader(&state, &query.token, &query.visitor).await {
        Ok(uploader) => uploader,
        Err(err) => return err.into_response(),
    };
    let request = UploadRequest {
        file_name: query.name,
        voice: query.voice,
        client_duration_ms: query.duration_ms,
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
