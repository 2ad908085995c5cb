//! `GET /api/attachments/{id}`: a stored file, only for agents who can see its
//! conversation; `GET /api/widget/attachments/{id}`: only for the visitor whose
//! conversation it is (never a private note's). Types that a browser could run (HTML,
//! SVG…) are never served inline.
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::header;
use sqlx::Row;

use app::auth::ssr::Session;
use app::conversations::ssr::access::visible_conversation;
use app::error::AppError;
use app::state::AppState;
use app::storage::Files;
use app::widget::ssr::visitor_by_tokens;

/// Shown in the page: images, audio and video the browser plays itself.
fn inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    ) || content_type.starts_with("audio/")
        || content_type.starts_with("video/")
}

/// `attachment; filename="…"; filename*=UTF-8''…` with the name made header-safe.
fn disposition(kind: &str, file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn download(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    Path(id): Path<i64>,
) -> Response {
    let Some(Extension(session)) = session else {
        return AppError::Unauthorized.into_response();
    };
    let row = sqlx::query(
        "SELECT a.file_name, a.content_type, a.storage_key, m.conversation_id FROM attachments a \
         JOIN messages m ON m.id = a.message_id WHERE a.id = $1 AND a.account_id = $2",
    )
    .bind(id)
    .bind(session.agent.account_id)
    .fetch_optional(&state.db.pool)
    .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(err) => return AppError::from(err).into_response(),
    };
    let field = |name: &str| row.try_get::<String, _>(name).unwrap_or_default();
    let conversation_id: i64 = row.try_get("conversation_id").unwrap_or_default();
    // Someone who cannot see the conversation learns nothing, not even that it exists.
    if visible_conversation(&state.db, (&session.agent).into(), conversation_id)
        .await
        .is_err()
    {
        return AppError::NotFound.into_response();
    }
    serve(
        &state.settings.files,
        id,
        &field("storage_key"),
        &field("content_type"),
        &field("file_name"),
    )
    .await
}

#[derive(Debug, serde::Deserialize)]
pub struct VisitorAuth {
    token: String,
    visitor: String,
}

pub async fn visitor_download(
    State(state): State<AppState>,
    Query(auth): Query<VisitorAuth>,
    Path(id): Path<i64>,
) -> Response {
    let identity = match visitor_by_tokens(&state.db, &auth.token, &auth.visitor).await {
        Ok((_, identity)) => identity,
        Err(err) => return err.into_response(),
    };
    let row = sqlx::query(
        "SELECT a.file_name, a.content_type, a.storage_key FROM attachments a \
         JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id \
         WHERE a.id = $1 AND m.private = 0 AND m.direction <> 'activity' AND c.contact_identity_id = $2",
    )
    .bind(id)
    .bind(identity)
    .fetch_optional(&state.db.pool)
    .await;
    match row {
        Ok(Some(row)) => {
            let field = |name: &str| row.try_get::<String, _>(name).unwrap_or_default();
            serve(
                &state.settings.files,
                id,
                &field("storage_key"),
                &field("content_type"),
                &field("file_name"),
            )
            .await
        }
        Ok(None) => AppError::NotFound.into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

async fn serve(
    files: &Files,
    id: i64,
    storage_key: &str,
    content_type: &str,
    file_name: &str,
) -> Response {
    let bytes = match files.read(storage_key).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(attachment = id, error = %err, "stored file unreadable");
            return AppError::NotFound.into_response();
        }
    };
    let shown_inline = inline(content_type);
    (
        [
            (
                header::CONTENT_TYPE,
                if shown_inline {
                    content_type.to_owned()
                } else {
                    "application/octet-stream".to_owned()
                },
            ),
            (
                header::CONTENT_DISPOSITION,
                disposition(
                    if shown_inline { "inline" } else { "attachment" },
                    file_name,
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        Body::from(bytes),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_header_safe() {
        assert_eq!(
            disposition("attachment", "factura \"1\".pdf"),
            "attachment; filename=\"factura _1_.pdf\"; filename*=UTF-8''factura%20%221%22.pdf"
        );
        assert!(disposition("inline", "año\r\n.png").starts_with("inline; filename=\"a_o__.png\""));
        assert!(inline("audio/ogg"));
        assert!(!inline("image/svg+xml"));
        assert!(!inline("text/html"));
    }
}
