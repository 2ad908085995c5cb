//! The outbox adapter: an agent's reply becomes Cloud API calls (text, template, or
//! each file uploaded to the media endpoint and sent by id; OGG/Opus audio goes out as
//! a voice note). Meta's answer decides between sent, retry and failed.
use futures::future::BoxFuture;
use serde_json::{json, Value};
use sqlx::Row;

use super::graph::GraphError;
use super::inbox::{self, WhatsAppInbox};
use super::WhatsApp;
use crate::channels::adapter::{Adapter, Delivery, OutboundMessage};
use crate::conversations::model::{AttachmentKind, AttachmentView, MessageExtra};
use crate::domain::template::{Filled, HeaderMedia};

pub struct WhatsAppAdapter {
    wa: WhatsApp,
}

impl WhatsAppAdapter {
    pub fn new(wa: WhatsApp) -> WhatsAppAdapter {
        WhatsAppAdapter { wa }
    }
}

/// What one outgoing message needs besides its text.
struct Stored {
    to: String,
    content_type: String,
    extra: Option<MessageExtra>,
    files: Vec<(AttachmentView, String)>,
    /// The WhatsApp id of the message it answers, so the customer sees it as a reply.
    quoted: Option<String>,
}

async fn stored(wa: &WhatsApp, message: &OutboundMessage) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT m.content_type, m.content_attributes, ci.external_id AS wa_id, ct.phone_e164, \
         q.external_id AS quoted FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         LEFT JOIN messages q ON q.id = m.reply_to_id \
         LEFT JOIN contact_identities ci ON ci.id = c.contact_identity_id AND ci.kind = 'whatsapp' \
         JOIN contacts ct ON ct.id = c.contact_id WHERE m.id = $1",
    )
    .bind(message.message_id)
    .fetch_optional(&wa.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let wa_id: Option<String> = row.try_get("wa_id")?;
    let phone: Option<String> = row.try_get("phone_e164")?;
    let Some(to) = wa_id.or_else(|| phone.map(|p| p.trim_start_matches('+').to_owned())) else {
        return Ok(None);
    };
    let files = sqlx::query(
        "SELECT id, file_name, content_type, byte_size, duration_ms, storage_key FROM attachments \
         WHERE message_id = $1 ORDER BY id",
    )
    .bind(message.message_id)
    .fetch_all(&wa.db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            AttachmentView {
                id: r.try_get("id")?,
                file_name: r.try_get("file_name")?,
                content_type: r.try_get("content_type")?,
                byte_size: r.try_get("byte_size")?,
                duration_ms: r.try_get("duration_ms")?,
            },
            r.try_get("storage_key")?,
        ))
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(Stored {
        to,
        content_type: row.try_get("content_type")?,
        extra: row
            .try_get::<Option<String>, _>("content_attributes")?
            .and_then(|j| serde_json::from_str(&j).ok()),
        files,
        quoted: row.try_get("quoted")?,
    }))
}

fn envelope(to: &str, kind: &str, part: Value) -> Value {
    let mut payload = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": kind,
    });
    payload[super::webhook::recipient_key(to)] = json!(to);
    payload[kind] = part;
    payload
}

/// The Cloud API's reply: the payload names the message it answers.
pub fn answering(mut payload: Value, quoted: Option<&str>) -> Value {
    if let Some(id) = quoted {
        payload["context"] = json!({ "message_id": id });
    }
    payload
}

pub fn text_payload(to: &str, body: &str) -> Value {
    envelope(to, "text", json!({ "preview_url": false, "body": body }))
}

/// Text values, with their `parameter_name` when the template is NAMED.
fn text_parameters(values: &[String], names: &[String]) -> Vec<Value> {
    values
        .iter()
        .enumerate()
        .map(|(i, p)| match names.get(i) {
            Some(name) => json!({ "type": "text", "parameter_name": name, "text": p }),
            None => json!({ "type": "text", "text": p }),
        })
        .collect()
}

/// A media header's parameter: the file as uploaded to Meta's media endpoint.
pub fn header_media_parameter(media: HeaderMedia, media_id: &str, file_name: &str) -> Value {
    let kind = media.cloud_type();
    let mut object = json!({ "id": media_id });
    if media == HeaderMedia::Document {
        object["filename"] = json!(file_name);
    }
    let mut parameter = json!({ "type": kind });
    parameter[kind] = object;
    parameter
}

pub fn template_payload(
    to: &str,
    name: &str,
    language: &str,
    filled: &Filled,
    header_media: Option<Value>,
) -> Value {
    let mut template = json!({ "name": name, "language": { "code": language } });
    let mut components = Vec::new();
    if let Some(media) = header_media {
        components.push(json!({ "type": "header", "parameters": [media] }));
    } else if !filled.header.is_empty() {
        components.push(json!({ "type": "header",
            "parameters": text_parameters(&filled.header, &filled.header_names) }));
    }
    if !filled.body.is_empty() {
        components.push(
            json!({ "type": "body", "parameters": text_parameters(&filled.body, &filled.body_names) }),
        );
    }
    for (index, suffix) in &filled.buttons {
        components.push(
            json!({ "type": "button", "sub_type": "url", "index": index.to_string(),
            "parameters": [{ "type": "text", "text": suffix }] }),
        );
    }
    if !components.is_empty() {
        template["components"] = Value::Array(components);
    }
    envelope(to, "template", template)
}

/// The Cloud API message type for a file, and whether it takes a caption.
pub fn media_kind(file: &AttachmentView) -> (&'static str, bool) {
    match file.kind() {
        AttachmentKind::Image if file.content_type != "image/webp" => ("image", true),
        AttachmentKind::Image => ("sticker", false),
        AttachmentKind::Audio => ("audio", false),
        AttachmentKind::Video => ("video", true),
        AttachmentKind::File => ("document", true),
    }
}

pub fn media_payload(
    to: &str,
    file: &AttachmentView,
    media_id: &str,
    caption: Option<&str>,
) -> Value {
    let (kind, captioned) = media_kind(file);
    let mut part = json!({ "id": media_id });
    if kind == "document" {
        part["filename"] = json!(file.file_name);
    }
    if let (true, Some(caption)) = (captioned, caption.filter(|c| !c.is_empty())) {
        part["caption"] = json!(caption);
    }
    envelope(to, kind, part)
}

fn outcome(err: GraphError) -> Delivery {
    match err {
        GraphError::Retry(error) | GraphError::Unreachable(error) => Delivery::Retry { error },
        GraphError::Permanent(error) | GraphError::NotAllowed(error) => Delivery::Failed { error },
    }
}

impl WhatsAppAdapter {
    async fn send(&self, message: &OutboundMessage) -> Delivery {
        let inbox: WhatsAppInbox =
            match inbox::load(&self.wa.db, &self.wa.secrets, message.inbox_id).await {
                Ok(Some(inbox)) if inbox.can_send() => inbox,
                Ok(_) => {
                    return Delivery::Failed {
                        error: "whatsapp_not_configured".into(),
                    }
                }
                Err(err) => {
                    return Delivery::Retry {
                        error: format!("database: {err}"),
                    }
                }
            };
        let stored = match stored(&self.wa, message).await {
            Ok(Some(stored)) => stored,
            Ok(None) => {
                return Delivery::Failed {
                    error: "no_recipient".into(),
                }
            }
            Err(err) => {
                return Delivery::Retry {
                    error: format!("database: {err}"),
                }
            }
        };
        let graph = &self.wa.graph;
        if let (
            Some(MessageExtra::Template {
                name,
                language,
                params,
                header_params,
                button_params,
                param_names,
                header_param_names,
                header_media,
            }),
            "template",
        ) = (&stored.extra, stored.content_type.as_str())
        {
            let filled = Filled {
                body: params.clone(),
                body_names: param_names.clone(),
                header: header_params.clone(),
                header_names: header_param_names.clone(),
                buttons: button_params.clone(),
            };
            let header = match (header_media, stored.files.first()) {
                (Some(media), Some(file)) => match self.upload(&inbox, file).await {
                    Ok(id) => Some(header_media_parameter(*media, &id, &file.0.file_name)),
                    Err(failed) => return failed,
                },
                (Some(_), None) => {
                    return Delivery::Failed {
                        error: "template header file missing".into(),
                    }
                }
                (None, _) => None,
            };
            let payload = template_payload(&stored.to, name, language, &filled, header);
            return match graph.send(&inbox, &payload).await {
                Ok(id) => Delivery::Sent {
                    external_id: Some(id),
                },
                Err(err) => outcome(err),
            };
        }
        if stored.files.is_empty() {
            let payload = match stored.content_type.as_str() {
                "input_csat" => super::survey::payload(&stored.to, &message.body),
                _ => text_payload(&stored.to, &message.body),
            };
            let payload = answering(payload, stored.quoted.as_deref());
            return match graph.send(&inbox, &payload).await {
                Ok(id) => Delivery::Sent {
                    external_id: Some(id),
                },
                Err(err) => outcome(err),
            };
        }
        // One Cloud API message per file; the text rides as the first caption when the
        // file takes one, else goes first on its own.
        let mut caption = Some(message.body.as_str()).filter(|b| !b.is_empty());
        let mut last_id = None;
        // Only the first of the Cloud API messages carries the reply.
        let mut quoted = stored.quoted.as_deref();
        if caption.is_some() && !media_kind(&stored.files[0].0).1 {
            let payload = answering(text_payload(&stored.to, &message.body), quoted.take());
            match graph.send(&inbox, &payload).await {
                Ok(id) => last_id = Some(id),
                Err(err) => return outcome(err),
            }
            caption = None;
        }
        for file in &stored.files {
            let media_id = match self.upload(&inbox, file).await {
                Ok(id) => id,
                Err(failed) => return failed,
            };
            let file = &file.0;
            let payload = answering(
                media_payload(&stored.to, file, &media_id, caption.take()),
                quoted.take(),
            );
            match graph.send(&inbox, &payload).await {
                Ok(id) => last_id = Some(id),
                Err(err) => return outcome(err),
            }
        }
        Delivery::Sent {
            external_id: last_id,
        }
    }
}

impl WhatsAppAdapter {
    /// A stored file sent to Meta's media endpoint: its media id.
    async fn upload(
        &self,
        inbox: &WhatsAppInbox,
        (file, key): &(AttachmentView, String),
    ) -> Result<String, Delivery> {
        let bytes = match self.wa.files.read(key).await {
            Ok(bytes) => bytes.to_vec(),
            Err(err) => {
                return Err(Delivery::Failed {
                    error: format!("file missing: {err}"),
                })
            }
        };
        self.wa
            .graph
            .upload(inbox, bytes, &file.content_type, &file.file_name)
            .await
            .map_err(outcome)
    }
}

impl Adapter for WhatsAppAdapter {
    fn deliver<'a>(&'a self, message: &'a OutboundMessage) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send(message))
    }
}

#[cfg(test)]
mod tests;
