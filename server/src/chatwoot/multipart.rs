//! `POST …/messages` as multipart/form-data, as Chatwoot's clients send files: the
//! fields of a message and one or more `attachments[]`, each stored as the agent's
//! pending upload for that conversation (the same streaming checks as the composer's
//! uploads) and claimed by the message in its own transaction.
use axum::extract::{FromRequest, Multipart, Request};

use super::caller::ApiAgent;
use super::error::ApiError;
use app::chatwoot::ssr::conversations::resolve;
use app::chatwoot::ssr::messages::NewMessage;
use app::error::AppError;
use app::storage::uploads::{store_upload, UploadError, UploadRequest, Uploader};

pub fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

fn truthy(text: &str) -> bool {
    matches!(text.trim(), "true" | "1" | "on")
}

pub async fn read(
    api: &ApiAgent,
    display_id: i64,
    request: Request,
) -> Result<NewMessage, ApiError> {
    let conversation = resolve(&api.caller(), display_id).await?;
    let agent = &api.agent;
    let uploader = Uploader::agent(
        agent.account_id,
        agent.id,
        conversation.id,
        conversation.channel,
    );
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut new = NewMessage::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachments[]" || name == "attachments" {
            let file_name = field.file_name().unwrap_or("archivo").to_owned();
            let request = UploadRequest {
                file_name,
                voice: false,
                client_duration_ms: None,
            };
            let settings = &api.state.settings;
            let stored = store_upload(
                &api.state.db,
                &settings.files,
                &settings.uploads,
                &uploader,
                &request,
                Box::pin(field),
            )
            .await
            .map_err(|err| match err {
                UploadError::Refused(_) => {
                    ApiError::App(AppError::validation("attachments", "refused"))
                }
                UploadError::Interrupted(why) => ApiError::BadRequest(why),
                UploadError::App(err) => ApiError::App(err),
            })?;
            new.attachments.push(stored.id);
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        match name.as_str() {
            "content" => new.content = Some(text),
            "message_type" => new.message_type = Some(text),
            "private" => new.private = truthy(&text),
            "echo_id" => new.echo_id = Some(text),
            _ => {}
        }
    }
    Ok(new)
}
