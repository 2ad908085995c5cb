//! `POST …/messages` as multipart/form-data, as Chatwoot's clients send files: the
//! fields of a message and one or more `attachments[]`, each stored as the agent's
//! pending upload for that conversation (the same streaming checks as the composer's
//! uploads) and claimed by the message in its own transaction. The Client API's
//! messages take files the same way, as the contact's uploads.
use axum::extract::{FromRequest, Multipart, Request};

use super::caller::ApiAgent;
use super::error::ApiError;
use app::chatwoot::model::PublicMessageBody;
use app::chatwoot::ssr::conversations::resolve;
use app::chatwoot::ssr::messages::NewMessage;
use app::chatwoot::ssr::public::Customer;
use app::error::AppError;
use app::state::AppState;
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

fn is_file(name: &str) -> bool {
    name == "attachments[]" || name == "attachments"
}

/// One `attachments[]` part, streamed into storage as `uploader`'s pending upload.
async fn store_file(
    state: &AppState,
    uploader: &Uploader,
    field: axum::extract::multipart::Field<'_>,
) -> Result<app::domain::attachment::UploadedFile, ApiError> {
    let request = UploadRequest {
        file_name: field.file_name().unwrap_or("archivo").to_owned(),
        voice: false,
        client_duration_ms: None,
    };
    let settings = &state.settings;
    store_upload(
        &state.db,
        &settings.files,
        &settings.uploads,
        uploader,
        &request,
        Box::pin(field),
    )
    .await
    .map_err(|err| match err {
        UploadError::Refused(_) => ApiError::App(AppError::validation("attachments", "refused")),
        UploadError::Interrupted(why) => ApiError::BadRequest(why),
        UploadError::App(err) => ApiError::App(err),
    })
}

/// The Client API's `POST …/messages` as multipart/form-data: `content`, `echo_id` and
/// files, each stored as the contact's pending upload under the widget's limits (a
/// file counts as a message against the address and the inbox, and its megabytes
/// against the address's hourly allowance).
pub async fn read_public(
    state: &AppState,
    customer: &Customer,
    address: Option<&str>,
    request: Request,
) -> Result<PublicMessageBody, ApiError> {
    let guard = &state.widget_guard;
    let uploader = customer.uploader(guard.limits().pending());
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut body = PublicMessageBody::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if is_file(&name) {
            guard.message(customer.inbox.id, address)?;
            let stored = store_file(state, &uploader, field).await?;
            if let Err(err) = guard.uploaded(address, stored.byte_size.max(0) as u64) {
                let gone = app::storage::uploads::discard(&state.db, &uploader.owner, stored.id);
                if let Err(gone) = gone.await {
                    tracing::warn!(error = %gone, "a throttled upload was not removed");
                }
                return Err(err.into());
            }
            body.attachments.push(stored.id);
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        match name.as_str() {
            "content" => body.content = Some(text),
            "echo_id" => body.echo_id = Some(text),
            _ => {}
        }
    }
    Ok(body)
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
        if is_file(&name) {
            new.attachments
                .push(store_file(&api.state, &uploader, field).await?.id);
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
            // Chatwoot's dashboard sends the object as JSON text; Rails-style forms
            // send the one key.
            "content_attributes" | "content_attributes[in_reply_to]" => {
                let refused = |code| AppError::validation("content_attributes", code);
                let attributes = match name.as_str() {
                    "content_attributes" => serde_json::from_str::<serde_json::Value>(&text)
                        .map_err(|_| refused("invalid"))?,
                    _ => serde_json::json!({ "in_reply_to": text }),
                };
                new.in_reply_to =
                    app::chatwoot::model::in_reply_to(Some(&attributes)).map_err(refused)?;
            }
            _ => {}
        }
    }
    Ok(new)
}
