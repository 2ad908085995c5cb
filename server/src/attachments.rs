//! `GET /api/attachments/{id}`: a stored file, only for agents who can see its
//! conversation; `GET /api/widget/attachments/{id}`: only for the visitor whose
//! conversation it is (never a private note's). Types that a browser could run (HTML,
//! SVG…) are never served inline.
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::extract::{Agent, Visitor};
use app::conversations::ssr::attachments::{for_agent, for_visitor, StoredFile};
use app::error::AppError;
use app::state::AppState;
use app::storage::Files;

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
    Agent(session): Agent,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let stored = match for_agent(&state.db, (&session.agent).into(), id).await {
        Ok(stored) => stored,
        Err(err) => return err.into_response(),
    };
    serve(
        &state.settings.files,
        id,
        &stored,
        headers.get(header::RANGE),
    )
    .await
}

pub async fn visitor_download(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    for_identity(&state, visitor.identity_id, id, &headers).await
}

/// A file of one customer identity's conversations (a visitor's, a Client API contact's).
pub async fn for_identity(
    state: &AppState,
    identity_id: i64,
    id: i64,
    headers: &HeaderMap,
) -> Response {
    match for_visitor(&state.db, identity_id, id).await {
        Ok(stored) => {
            serve(
                &state.settings.files,
                id,
                &stored,
                headers.get(header::RANGE),
            )
            .await
        }
        Err(err) => err.into_response(),
    }
}

/// Streams the file (a `Range` of it for audio and video players, which seek): the
/// whole file is never read into memory.
async fn serve(
    files: &Files,
    id: i64,
    stored: &StoredFile,
    range_header: Option<&HeaderValue>,
) -> Response {
    let unreadable = |err: app::storage::StorageError| {
        tracing::error!(attachment = id, error = %err, "stored file unreadable");
        AppError::NotFound.into_response()
    };
    let size = match files.size(&stored.storage_key).await {
        Ok(size) => size,
        Err(err) => return unreadable(err),
    };
    let range = match range_header.map(|h| requested_range(h, size)) {
        None | Some(Requested::Whole) => None,
        Some(Requested::Part(range)) => Some(range),
        Some(Requested::Unsatisfiable) => {
            return (
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
            )
                .into_response();
        }
    };
    let stream = match files.stream(&stored.storage_key, range.clone()).await {
        Ok(stream) => stream,
        Err(err) => return unreadable(err),
    };
    let shown_inline = inline(&stored.content_type);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    let content_type = if shown_inline {
        stored.content_type.as_str()
    } else {
        "application/octet-stream"
    };
    let fixed = [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            disposition(
                if shown_inline { "inline" } else { "attachment" },
                &stored.file_name,
            ),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox".to_owned(),
        ),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
    ];
    for (name, value) in fixed {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    match range {
        Some(range) => {
            headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(range.end - range.start),
            );
            if let Ok(value) =
                HeaderValue::from_str(&format!("bytes {}-{}/{size}", range.start, range.end - 1))
            {
                headers.insert(header::CONTENT_RANGE, value);
            }
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        }
        None => {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        }
    }
    response
}

enum Requested {
    Whole,
    Part(std::ops::Range<u64>),
    Unsatisfiable,
}

/// One range of `Range: bytes=…` (what media players ask); several ranges, or a header
/// that is not a byte range, get the whole file (RFC 9110 lets a server ignore Range).
fn requested_range(header: &HeaderValue, size: u64) -> Requested {
    let Ok(text) = header.to_str() else {
        return Requested::Whole;
    };
    let parsed = match http_range_header::parse_range_header(text) {
        Ok(parsed) => parsed,
        Err(_) => return Requested::Whole,
    };
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => {
            let range = &ranges[0];
            Requested::Part(*range.start()..*range.end() + 1)
        }
        Ok(_) => Requested::Whole,
        Err(_) => Requested::Unsatisfiable,
    }
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
