//! Meta's webhook for a WhatsApp inbox: the GET verification handshake and signed POST
//! deliveries. Nothing is read from a POST before its signature checks out.
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use app::channels::whatsapp::webhook::{signature_is_valid, Payload};
use app::channels::whatsapp::{handle_webhook, inbox, WhatsApp};
use app::state::AppState;

/// Meta's deliveries are JSON documents (media comes separately), but one may batch
/// hundreds of status reports with their pricing blocks: room for that, and no more.
pub const WEBHOOK_MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

fn same(a: &str, b: &str) -> bool {
    use hmac_compare::constant_time_eq;
    constant_time_eq(a.as_bytes(), b.as_bytes())
}

mod hmac_compare {
    /// Length leaks, content does not.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// `GET /webhooks/whatsapp/{inbox}`: echoes `hub.challenge` when the verify token matches.
pub async fn verify(
    State(state): State<AppState>,
    Path(inbox_id): Path<i64>,
    Query(query): Query<Handshake>,
) -> Response {
    let config = match inbox::load(&state.db, &state.settings.secrets, inbox_id).await {
        Ok(Some(config)) => config,
        // The same answer as a wrong token: nothing to learn about which inboxes exist.
        Ok(None) => return StatusCode::FORBIDDEN.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "loading a WhatsApp inbox failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match (query.mode.as_deref(), query.verify_token, query.challenge) {
        (Some("subscribe"), Some(token), Some(challenge))
            if !config.verify_token.is_empty() && same(&token, &config.verify_token) =>
        {
            challenge.into_response()
        }
        _ => StatusCode::FORBIDDEN.into_response(),
    }
}

/// `POST /webhooks/whatsapp/{inbox}`: 401 unless signed with the inbox's app secret.
pub async fn receive(
    State(state): State<AppState>,
    Path(inbox_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let config = match inbox::load(&state.db, &state.settings.secrets, inbox_id).await {
        Ok(Some(config)) => config,
        // Same answer as a bad signature: nothing to learn about which inboxes exist.
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "loading a WhatsApp inbox failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !signature_is_valid(&config.app_secret, &body, signature) {
        tracing::warn!(
            inbox = inbox_id,
            "WhatsApp webhook refused: bad or missing signature"
        );
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let payload: Payload = match serde_json::from_slice(&body) {
        Ok(payload) => payload,
        Err(err) => {
            tracing::warn!(inbox = inbox_id, error = %err, "WhatsApp webhook body unreadable");
            return StatusCode::BAD_REQUEST.into_response();
        }
    };
    let wa = WhatsApp::from_state(&state);
    match handle_webhook(&wa, &config, payload).await {
        Ok(summary) => {
            tracing::debug!(inbox = inbox_id, ?summary, "WhatsApp webhook handled");
            StatusCode::OK.into_response()
        }
        // Meta delivers again; what was stored is skipped by its id.
        Err(err) => err.into_response(),
    }
}
