//! Outbound email: an agent's reply becomes a real message through SMTP (lettre) with a
//! stable Message-ID per message (a retry resends the same id), In-Reply-To and
//! References continuing the customer's thread, a "Re:" subject, a plain-text and an
//! HTML part (escaped from the agent's text) and the message's files.
use futures::future::BoxFuture;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;
use std::time::Duration;

use super::inbox::{self, EmailInbox};
use crate::channels::adapter::{Adapter, Delivery, OutboundMessage};
use crate::channels::outbound::{ChannelError, Failure, OutboundPolicy};
use crate::db::Db;
use crate::domain::email_inbox::{reply_subject, Security};
use crate::secrets::SecretBox;
use crate::storage::Files;

pub struct EmailAdapter {
    db: Db,
    secrets: SecretBox,
    files: Files,
    outbound: OutboundPolicy,
}

impl EmailAdapter {
    pub fn new(db: Db, secrets: SecretBox, files: Files, outbound: OutboundPolicy) -> EmailAdapter {
        EmailAdapter {
            db,
            secrets,
            files,
            outbound,
        }
    }
}

/// The inbox's SMTP transport, to an address `outbound` allows: the name is resolved
/// and checked here and the transport connects to that address (the first allowed one,
/// in the resolver's order), while TLS still verifies the certificate against the name.
pub async fn transport(
    outbound: &OutboundPolicy,
    inbox: &EmailInbox,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, ChannelError> {
    let host = inbox.smtp.host.as_str();
    let parameters = || {
        TlsParameters::new(host.to_owned())
            .map_err(|e| ChannelError::new(Failure::Refused, format!("TLS name: {e}")))
    };
    let tls = match inbox.smtp.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(parameters()?),
        Security::Tls => Tls::Wrapper(parameters()?),
    };
    let address = outbound.resolve(host, inbox.smtp.port).await?[0];
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string())
            .port(inbox.smtp.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
    if !inbox.smtp.user.is_empty() {
        builder = builder.credentials(Credentials::new(
            inbox.smtp.user.clone(),
            inbox.smtp_password.clone(),
        ));
    }
    Ok(builder.build())
}

/// What a failed SMTP exchange may be called in the browser.
fn failure_of(err: &lettre::transport::smtp::Error) -> Failure {
    match err.status().map(u16::from) {
        // 530 authentication required, 534 mechanism too weak, 535 credentials invalid,
        // 538 encryption required for the mechanism
        Some(530 | 534 | 535 | 538) => Failure::Auth,
        Some(_) => Failure::Refused,
        None if err.is_response() || err.is_client() => Failure::Refused,
        None => Failure::Unreachable,
    }
}

/// "Test connection": connects, greets and logs in. The failure's kind is for the
/// browser; the server's own words are only in its detail, for the log.
pub async fn test_connection(
    outbound: &OutboundPolicy,
    inbox: &EmailInbox,
) -> Result<(), ChannelError> {
    let transport = transport(outbound, inbox).await?;
    match transport.test_connection().await {
        Ok(true) => Ok(()),
        Ok(false) => Err(ChannelError::new(
            Failure::Refused,
            "the server did not accept the connection",
        )),
        Err(err) => Err(ChannelError::new(failure_of(&err), err.to_string())),
    }
}

/// The Message-ID of an outgoing message, without angle brackets. Derived from the
/// message, so every attempt of the same reply carries the same id; its second part is
/// an HMAC of the message id under a key only the server holds (the inbox's salt and
/// SMTP password, never shown), so
/// whoever receives one reply cannot work out another customer's ids to thread into.
pub fn message_id_for(message_id: i64, salt: &str, from_address: &str) -> String {
    use hmac::{Hmac, Mac};
    let domain = from_address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .unwrap_or("charla.invalid");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(salt.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(message_id.to_string().as_bytes());
    let tag = hex::encode(&mac.finalize().into_bytes()[..12]);
    format!("charla.{message_id}.{tag}@{domain}")
}

/// Is this Message-ID one Charla made (a loop, when it comes back in)?
pub fn is_ours(message_id: &str) -> bool {
    message_id.trim_matches(['<', '>']).starts_with("charla.")
}

/// The agent's text as minimal, escaped HTML.
pub fn html_of(text: &str) -> String {
    let mut html = String::from(
        "<!doctype html><html><body><div style=\"font-family: sans-serif; white-space: pre-wrap\">",
    );
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            '\n' => html.push_str("<br>"),
            c => html.push(c),
        }
    }
    html.push_str("</div></body></html>");
    html
}

/// What a reply needs from the conversation.
struct Thread {
    to: String,
    to_name: String,
    subject: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    files: Vec<(String, String, String)>,
}

async fn thread(db: &Db, message: &OutboundMessage) -> Result<Option<Thread>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.subject, ci.external_id AS address, ct.email, ct.name FROM conversations c \
         LEFT JOIN contact_identities ci ON ci.id = c.contact_identity_id AND ci.kind = 'email' \
         JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1",
    )
    .bind(message.conversation_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let address: Option<String> = row.try_get("address")?;
    let email: Option<String> = row.try_get("email")?;
    let Some(to) = address.or(email) else {
        return Ok(None);
    };
    let earlier = sqlx::query(
        "SELECT external_id, direction FROM messages WHERE conversation_id = $1 AND id < $2 \
         AND external_id IS NOT NULL AND direction IN ('incoming', 'outgoing') ORDER BY id",
    )
    .bind(message.conversation_id)
    .bind(message.message_id)
    .fetch_all(&db.pool)
    .await?;
    let mut references = Vec::new();
    let mut in_reply_to = None;
    for row in &earlier {
        let id: String = row.try_get("external_id")?;
        let direction: String = row.try_get("direction")?;
        if direction == "incoming" {
            in_reply_to = Some(id.clone());
        }
        references.push(id);
    }
    // Long threads: the first and the most recent, as RFC 5322 suggests.
    if references.len() > 20 {
        let first = references[0].clone();
        references = std::iter::once(first)
            .chain(references[references.len() - 19..].iter().cloned())
            .collect();
    }
    let subject: Option<String> = row.try_get("subject")?;
    let subject = subject.unwrap_or_default();
    let subject = if in_reply_to.is_some() {
        reply_subject(&subject)
    } else {
        subject
    };
    let files = sqlx::query(
        "SELECT file_name, content_type, storage_key FROM attachments WHERE message_id = $1 ORDER BY id",
    )
    .bind(message.message_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("file_name")?, r.try_get("content_type")?, r.try_get("storage_key")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(Thread {
        to,
        to_name: row.try_get("name")?,
        subject,
        in_reply_to,
        references,
        files,
    }))
}

fn bracketed(id: &str) -> String {
    format!("<{}>", id.trim_matches(['<', '>']))
}

impl EmailAdapter {
    async fn send(&self, message: &OutboundMessage) -> Delivery {
        let inbox = match inbox::load(&self.db, &self.secrets, message.inbox_id).await {
            Ok(Some(inbox)) if inbox.can_send() => inbox,
            Ok(_) => {
                return Delivery::Failed {
                    error: "email_not_configured".into(),
                }
            }
            Err(err) => {
                return Delivery::Retry {
                    error: format!("database: {err}"),
                }
            }
        };
        let thread = match thread(&self.db, message).await {
            Ok(Some(thread)) => thread,
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
        // The key mixes in the SMTP password, which never leaves the server, so even a
        // short salt of an older inbox cannot be worked out from the ids it sent.
        let key = format!("{}\u{0}{}", inbox.id_salt, inbox.smtp_password);
        let id = message_id_for(message.message_id, &key, &inbox.from_address);
        let mut parts = Vec::new();
        for (name, mime, key) in &thread.files {
            match self.files.read(key).await {
                Ok(bytes) => parts.push((name.clone(), mime.clone(), bytes.to_vec())),
                Err(err) => {
                    return Delivery::Failed {
                        error: format!("file missing: {err}"),
                    }
                }
            }
        }
        let email = match build(&inbox, &thread, &id, &message.body, parts) {
            Ok(email) => email,
            Err(error) => return Delivery::Failed { error },
        };
        let transport = match transport(&self.outbound, &inbox).await {
            Ok(t) => t,
            Err(err) if err.kind == Failure::Unreachable => {
                return Delivery::Retry { error: err.detail }
            }
            Err(err) => return Delivery::Failed { error: err.detail },
        };
        match transport.send(email).await {
            Ok(_) => Delivery::Sent {
                external_id: Some(id),
            },
            Err(err) if err.is_permanent() => Delivery::Failed {
                error: err.to_string(),
            },
            Err(err) => Delivery::Retry {
                error: err.to_string(),
            },
        }
    }
}

fn build(
    inbox: &EmailInbox,
    thread: &Thread,
    id: &str,
    body: &str,
    files: Vec<(String, String, Vec<u8>)>,
) -> Result<Message, String> {
    let from = Mailbox::new(
        Some(inbox.from_name.clone()).filter(|n| !n.is_empty()),
        inbox
            .from_address
            .parse()
            .map_err(|e| format!("from: {e}"))?,
    );
    let to = Mailbox::new(
        Some(thread.to_name.clone()).filter(|n| !n.is_empty()),
        thread.to.parse().map_err(|e| format!("to: {e}"))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(thread.subject.clone())
        .message_id(Some(bracketed(id)));
    if let Some(parent) = &thread.in_reply_to {
        builder = builder.in_reply_to(bracketed(parent));
    }
    if !thread.references.is_empty() {
        builder = builder.references(
            thread
                .references
                .iter()
                .map(|r| bracketed(r))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    let text = MultiPart::alternative_plain_html(body.to_owned(), html_of(body));
    let result = if files.is_empty() {
        builder.multipart(text)
    } else {
        let mut mixed = MultiPart::mixed().multipart(text);
        for (name, mime, bytes) in files {
            let content_type = ContentType::parse(&mime)
                .unwrap_or_else(|_| ContentType::parse("application/octet-stream").expect("valid"));
            // Always base64: a file that happens to look like text must arrive byte for
            // byte (a text encoding would turn its line endings into CRLF).
            let body = Body::new_with_encoding(bytes, ContentTransferEncoding::Base64)
                .map_err(|_| "attachment encoding".to_owned())?;
            mixed = mixed.singlepart(Attachment::new(name).body(body, content_type));
        }
        builder.multipart(mixed)
    };
    result.map_err(|e| e.to_string())
}

impl Adapter for EmailAdapter {
    fn deliver<'a>(&'a self, message: &'a OutboundMessage) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_html_are_safe() {
        assert_eq!(
            message_id_for(7, "a1b2", "soporte@tienda.example"),
            message_id_for(7, "a1b2", "soporte@tienda.example"),
            "the same id at every attempt"
        );
        let id = message_id_for(7, "a1b2", "soporte@tienda.example");
        assert!(
            id.starts_with("charla.7.") && id.ends_with("@tienda.example"),
            "{id}"
        );
        assert!(!id.contains("a1b2"), "the salt itself never shows");
        assert_ne!(id, message_id_for(7, "otra", "soporte@tienda.example"));
        assert_ne!(id, message_id_for(8, "a1b2", "soporte@tienda.example"));
        assert!(is_ours("<charla.7.2@tienda.example>"));
        assert!(!is_ours("<CAF=x@mail.gmail.com>"));
        assert_eq!(
            html_of("<b>hola</b> & \"adiós\"\nfin"),
            "<!doctype html><html><body><div style=\"font-family: sans-serif; white-space: pre-wrap\">&lt;b&gt;hola&lt;/b&gt; &amp; &quot;adiós&quot;<br>fin</div></body></html>"
        );
    }
}
