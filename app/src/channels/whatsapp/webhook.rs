//! Meta's webhook: the signature check and the payload as Charla reads it. Messages
//! are kept as JSON and read by type, so a type Charla does not know is stored as
//! "unsupported" instead of failing the whole delivery.
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::conversations::model::MessageExtra;
use crate::domain::{DeliveryStatus, Millis};

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
    pub profile: Option<Profile>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    pub name: Option<String>,
}

/// A file the customer sent, still at Meta.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRef {
    pub id: String,
    pub mime_type: Option<String>,
    pub file_name: Option<String>,
    pub voice: bool,
}

/// One inbound message as Charla stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// Meta's message id (`wamid…`): the deduplication key.
    pub id: String,
    /// The customer's WhatsApp id (their number without `+`).
    pub from: String,
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
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
}

/// Reads one element of `messages`; `None` without an id or sender.
pub fn incoming(message: &Value) -> Option<Incoming> {
    let id = message.get("id")?.as_str()?.to_owned();
    let from = message.get("from")?.as_str()?.to_owned();
    if id.is_empty() || from.is_empty() || id.len() > 200 || from.len() > 32 {
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
    let mut body = String::new();
    let mut extra = None;
    let mut media = None;
    let mut content_type = kind.clone();
    match kind.as_str() {
        "text" => {
            body = str_at(message, &["text", "body"])
                .unwrap_or_default()
                .to_owned()
        }
        "image" | "video" | "audio" | "document" | "sticker" => {
            let part = &message[kind.as_str()];
            match part.get("id").and_then(Value::as_str) {
                Some(media_id) => {
                    body = str_at(part, &["caption"]).unwrap_or_default().to_owned();
                    media = Some(MediaRef {
                        id: media_id.to_owned(),
                        mime_type: str_at(part, &["mime_type"]).map(str::to_owned),
                        file_name: str_at(part, &["filename"]).map(str::to_owned),
                        voice: part.get("voice").and_then(Value::as_bool).unwrap_or(false),
                    });
                }
                None => {
                    content_type = "unsupported".into();
                    extra = Some(MessageExtra::Unsupported {
                        message_type: kind.clone(),
                    });
                }
            }
        }
        "location" => {
            let loc = &message["location"];
            let latitude = loc
                .get("latitude")
                .and_then(Value::as_f64)
                .unwrap_or_default();
            let longitude = loc
                .get("longitude")
                .and_then(Value::as_f64)
                .unwrap_or_default();
            let name = str_at(loc, &["name"]).map(str::to_owned);
            let address = str_at(loc, &["address"]).map(str::to_owned);
            body = [name.clone(), address.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            if body.is_empty() {
                body = format!("{latitude}, {longitude}");
            }
            extra = Some(MessageExtra::Location {
                latitude,
                longitude,
                name,
                address,
            });
        }
        "contacts" => {
            let cards = message["contacts"].as_array().cloned().unwrap_or_default();
            body = cards
                .iter()
                .map(|card| {
                    let name = str_at(card, &["name", "formatted_name"]).unwrap_or_default();
                    let phones: Vec<&str> = card["phones"]
                        .as_array()
                        .map(|p| p.iter().filter_map(|p| str_at(p, &["phone"])).collect())
                        .unwrap_or_default();
                    let emails: Vec<&str> = card["emails"]
                        .as_array()
                        .map(|e| e.iter().filter_map(|e| str_at(e, &["email"])).collect())
                        .unwrap_or_default();
                    let details: Vec<&str> = phones.into_iter().chain(emails).collect();
                    if details.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{name}: {}", details.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
        "reaction" => {
            let emoji = str_at(message, &["reaction", "emoji"])
                .unwrap_or_default()
                .to_owned();
            body = emoji.clone();
            extra = Some(MessageExtra::Reaction {
                emoji,
                to_external_id: str_at(message, &["reaction", "message_id"])
                    .unwrap_or_default()
                    .to_owned(),
            });
        }
        "button" => {
            body = str_at(message, &["button", "text"])
                .or_else(|| str_at(message, &["button", "payload"]))
                .unwrap_or_default()
                .to_owned();
        }
        "interactive" => {
            let reply = &message["interactive"];
            let title = str_at(reply, &["button_reply", "title"])
                .or_else(|| str_at(reply, &["list_reply", "title"]))
                .or_else(|| str_at(reply, &["nfm_reply", "body"]));
            match title {
                Some(title) => {
                    body = title.to_owned();
                    if let Some(description) = str_at(reply, &["list_reply", "description"]) {
                        body.push_str(&format!("\n{description}"));
                    }
                }
                None => {
                    content_type = "unsupported".into();
                    extra = Some(MessageExtra::Unsupported {
                        message_type: format!(
                            "interactive/{}",
                            str_at(reply, &["type"]).unwrap_or("unknown")
                        ),
                    });
                }
            }
        }
        other => {
            content_type = "unsupported".into();
            extra = Some(MessageExtra::Unsupported {
                message_type: other.chars().take(40).collect(),
            });
        }
    }
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
