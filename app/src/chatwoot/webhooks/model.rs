//! Webhooks as administrators keep them, and their delivery log. Vocabulary: shared by
//! Ajustes (in the browser) and the server.
use serde::{Deserialize, Serialize};

use crate::domain::Millis;

/// Chatwoot's event names a webhook may ask for, in the order Ajustes lists them.
pub const EVENTS: &[&str] = &[
    "conversation_created",
    "conversation_status_changed",
    "conversation_updated",
    "message_created",
    "message_updated",
    "contact_created",
    "contact_updated",
    "conversation_typing_on",
    "conversation_typing_off",
    "webwidget_triggered",
];

pub const NAME_MAX_CHARS: usize = 100;
pub const URL_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub subscriptions: Vec<String>,
    pub include_private: bool,
    /// The HMAC-SHA256 key of its signatures (shown to administrators only).
    pub secret: String,
    pub created_at: Millis,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookInput {
    pub name: String,
    pub url: String,
    pub subscriptions: Vec<String>,
    #[serde(default)]
    pub include_private: bool,
}

impl WebhookInput {
    /// The rules the browser can check (the server adds which addresses it may call):
    /// the field and the code of the first that fails.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.name.trim().chars().count() > NAME_MAX_CHARS {
            return Err(("name", "too_long"));
        }
        let url = self.url.trim();
        if url.is_empty() {
            return Err(("url", "required"));
        }
        if url.chars().count() > URL_MAX_CHARS
            || !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(("url", "invalid"));
        }
        if self.subscriptions.is_empty() {
            return Err(("subscriptions", "required"));
        }
        if self
            .subscriptions
            .iter()
            .any(|s| !EVENTS.contains(&s.as_str()))
        {
            return Err(("subscriptions", "invalid"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first try or a retry.
    Pending,
    Delivered,
    /// Given up after the last retry.
    Failed,
}

impl DeliveryState {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "delivered" => Some(DeliveryState::Delivered),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

/// One line of a webhook's delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    pub event: String,
    pub state: DeliveryState,
    pub attempts: i64,
    /// The receiver's HTTP status on the last try.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: Millis,
    pub next_attempt_at: Option<Millis>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, subscriptions: &[&str]) -> WebhookInput {
        WebhookInput {
            name: "n8n".into(),
            url: url.into(),
            subscriptions: subscriptions.iter().map(|s| s.to_string()).collect(),
            include_private: false,
        }
    }

    #[test]
    fn a_webhook_needs_an_http_url_and_known_events() {
        assert_eq!(
            input("https://x.example/hook", &["message_created"]).check(),
            Ok(())
        );
        assert_eq!(
            input("", &["message_created"]).check(),
            Err(("url", "required"))
        );
        assert_eq!(
            input("ftp://x", &["message_created"]).check(),
            Err(("url", "invalid"))
        );
        assert_eq!(
            input("https://x.example", &[]).check(),
            Err(("subscriptions", "required"))
        );
        assert_eq!(
            input("https://x.example", &["message_deleted"]).check(),
            Err(("subscriptions", "invalid"))
        );
        assert_eq!(
            input("https://x.example", &["contact_created"]).check(),
            Ok(())
        );
    }
}
