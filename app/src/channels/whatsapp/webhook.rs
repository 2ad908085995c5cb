//! Meta's webhook: the signature check and the payload as Charla reads it. Messages
//! are kept as JSON and read by type, so a type Charla does not know is stored as
//! "unsupported" instead of failing the whole delivery.
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::conversations::model::MessageExtra;
use crate::domain::{DeliveryStatus, Millis};

mod content;

use content::str_at;
pub use content::MediaRef;

/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`,
/// compared in constant time.
pub fn signature_is_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    if app_secret.is_empty() {
        return false;
    }
    let Some(hex_sig) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The signature Meta would send for `body` (tests and the fake use it).
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Debug, Deserialize)]
pub struct Payload {
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    #[serde(default)]
    pub value: ChangeValue,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChangeValue {
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub contacts: Vec<WaContact>,
    #[serde(default)]
    pub messages: Vec<Value>,
    #[serde(default)]
    pub statuses: Vec<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub phone_number_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WaContact {
    pub wa_id: Option<String>,
    /// Her business-scoped user id.
    pub user_id: Option<String>,
    pub profile: Option<Profile>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub name: Option<String>,
}

/// One inbound message as Charla stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// Meta's message id (`wamid…`): the deduplication key.
    pub id: String,
    /// The customer's WhatsApp id: her number without `+`, or her business-scoped
    /// user id when Meta withholds the number (she chose a username).
    pub from: String,
    /// Her business-scoped user id (`from_user_id`, "US.1349…"), when Meta sends it.
    pub user_id: Option<String>,
    /// When WhatsApp received it (Unix ms).
    pub at: Option<Millis>,
    pub body: String,
    pub content_type: String,
    pub extra: Option<MessageExtra>,
    pub media: Option<MediaRef>,
    /// A rating chosen from the satisfaction survey's list (`list_reply` `csat:N`).
    pub survey_rating: Option<u8>,
    /// The message it answers (`context.id`), when WhatsApp says.
    pub context: Option<String>,
    /// A `system` message saying the customer changed her number: the new one.
    pub changed_number_to: Option<String>,
    /// A `system` message's new business-scoped user id (with a number change, or alone).
    pub new_user_id: Option<String>,
    /// A `user_changed_user_id` system message: the id she had until now.
    pub previous_user_id: Option<String>,
}

/// The send request's field for a customer: `to` for a number, `recipient` for a
/// business-scoped user id.
pub fn recipient_key(to: &str) -> &'static str {
    if is_user_id(to) {
        "recipient"
    } else {
        "to"
    }
}

/// A business-scoped user id as Meta shapes it: a country code, a dot, then letters
/// and digits ("US.13491208655302741918", "US.ENT.118…").
pub fn is_user_id(value: &str) -> bool {
    value.len() <= 160
        && value.contains('.')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Reads one element of `messages`; `None` without an id or sender.
pub fn incoming(message: &Value) -> Option<Incoming> {
    let id = message.get("id")?.as_str()?.to_owned();
    let user_id = str_at(message, &["from_user_id"])
        .filter(|u| is_user_id(u))
        .map(str::to_owned);
    let from = match str_at(message, &["from"]).filter(|f| !f.is_empty()) {
        Some(number) if number.len() <= 32 => number.to_owned(),
        Some(_) => return None,
        None => user_id.clone()?,
    };
    if id.is_empty() || id.len() > 200 {
        return None;
    }
    let at = str_at(message, &["timestamp"])
        .and_then(|t| t.parse::<i64>().ok())
        .map(|secs| secs.saturating_mul(1000));
    let kind = message
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    if kind == "request_welcome" {
        // She opened the chat for the first time and wrote nothing yet.
        return None;
    }
    let content::Content {
        body,
        content_type,
        extra,
        media,
    } = content::read(&kind, message);
    let body: String = body
        .trim()
        .chars()
        .take(crate::domain::MessageBody::MAX_CHARS)
        .collect();
    let survey_rating = str_at(message, &["interactive", "list_reply", "id"])
        .and_then(crate::domain::csat::rating_of_choice);
    Some(Incoming {
        id,
        from,
        at,
        body,
        content_type,
        extra,
        media,
        survey_rating,
        context: str_at(message, &["context", "id"]).map(str::to_owned),
        user_id,
        new_user_id: str_at(message, &["system", "user_id"])
            .filter(|u| is_user_id(u))
            .map(str::to_owned),
        previous_user_id: (str_at(message, &["system", "type"]) == Some("user_changed_user_id"))
            .then(|| str_at(message, &["system", "previous_user_id"]))
            .flatten()
            .filter(|u| is_user_id(u))
            .map(str::to_owned),
        changed_number_to: (str_at(message, &["system", "type"]) == Some("user_changed_number"))
            .then(|| {
                str_at(message, &["system", "wa_id"])
                    .or_else(|| str_at(message, &["system", "new_wa_id"]))
            })
            .flatten()
            .filter(|id| !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned),
    })
}

/// A delivery report for a message Charla sent.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub message_id: String,
    pub status: DeliveryStatus,
    /// Meta's reason for a failure: "131047 · Re-engagement message".
    pub error: Option<String>,
}

pub fn status_update(status: &Value) -> Option<StatusUpdate> {
    let message_id = status.get("id")?.as_str()?.to_owned();
    let state = match status.get("status")?.as_str()? {
        "sent" => DeliveryStatus::Sent,
        "delivered" => DeliveryStatus::Delivered,
        "read" => DeliveryStatus::Read,
        "failed" => DeliveryStatus::Failed,
        _ => return None,
    };
    let error = status
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .map(|e| {
            let code = e.get("code").and_then(Value::as_i64);
            let title = str_at(e, &["title"]).or_else(|| str_at(e, &["message"]));
            let details = str_at(e, &["error_data", "details"]);
            let mut text = match (code, title) {
                (Some(c), Some(t)) => format!("{c} · {t}"),
                (Some(c), None) => c.to_string(),
                (None, Some(t)) => t.to_owned(),
                (None, None) => "failed".to_owned(),
            };
            if let Some(d) = details {
                text.push_str(&format!(" ({d})"));
            }
            text.chars().take(500).collect()
        });
    Some(StatusUpdate {
        message_id,
        status: state,
        error,
    })
}

#[cfg(test)]
mod tests;
