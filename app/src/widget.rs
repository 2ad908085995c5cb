//! The website chat widget: what a customer sees on a site that embeds Charla. Visitors
//! never sign in; each browser gets a random visitor token (stored hashed, like a
//! session) that keeps its identity and conversation across reloads. Everything a
//! visitor receives is built from [`VisitorMessage`], which has no field for private
//! notes or internal events: those are dropped on the server.
mod host;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::WidgetPage;

use crate::conversations::model::{AttachmentView, MessageView};
use crate::domain::{MessageDirection, Millis};
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The header that carries a visitor's token on uploads and discards (never the
/// address, which logs and histories keep).
pub const VISITOR_HEADER: &str = "x-charla-visitor";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitorMessage {
    pub id: i64,
    pub body: String,
    /// Written by the support team (else by the visitor).
    pub from_agent: bool,
    pub agent_name: Option<String>,
    pub created_at: Millis,
    /// Files in the message (served to this visitor at `/api/widget/attachments/<id>`).
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
}

impl VisitorMessage {
    /// The visitor's view of a message, or `None` for what they must never see.
    pub fn from_message(message: &MessageView) -> Option<Self> {
        if message.private || message.direction == MessageDirection::Activity {
            return None;
        }
        let from_agent = message.direction == MessageDirection::Outgoing;
        Some(VisitorMessage {
            id: message.id,
            body: message.body.clone(),
            from_agent,
            agent_name: if from_agent {
                message.sender_name.clone()
            } else {
                None
            },
            created_at: message.created_at,
            attachments: message.attachments.clone(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetState {
    pub inbox_name: String,
    pub greeting: Option<String>,
    pub colour: Option<String>,
    /// Whether the visitor is known (wrote before or filled the form).
    pub identified: bool,
    /// Whether the host site's identity for her verified.
    #[serde(default)]
    pub verified: bool,
    /// A new visitor token to keep (a verified customer on a browser new to her).
    #[serde(default)]
    pub visitor: Option<String>,
    pub messages: Vec<VisitorMessage>,
    pub limits: crate::domain::attachment::UploadLimits,
}

/// Frames on the visitor's socket.
// Decoded by `crate::tag_first` (its twin is `VisitorFrameTwin` below).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum VisitorFrame {
    Hello,
    Message(VisitorMessage),
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "VisitorFrame", rename_all = "snake_case")]
enum VisitorFrameTwin {
    Hello,
    Message(VisitorMessage),
}

impl crate::tag_first::TagFirst for VisitorFrame {
    const TAG: &'static str = "frame";
    fn from_variant<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        VisitorFrameTwin::deserialize(d)
    }
}
crate::tag_first::tag_first_deserialize!(VisitorFrame);

/// The host site's signed-in user, as `Charla.setUser` or the embed's `data-identifier`
/// attributes pass it: `identifier_hash` is hex HMAC-SHA256(identifier) under the
/// inbox's identity secret. Name and email count only once that verifies.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostUser {
    pub identifier: String,
    pub identifier_hash: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetSent {
    /// The visitor token to keep (new on the first message).
    pub visitor: String,
    pub message: VisitorMessage,
}

/// The widget's configuration and, for a returning visitor, their conversation.
#[server(endpoint = "widget/open", input = Json, output = Json)]
pub async fn widget_open(
    token: String,
    visitor: Option<String>,
    /// The host site's verified user, if it passes one.
    #[server(default)]
    user: Option<HostUser>,
) -> Result<WidgetState, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            ssr::open(
                &state.db,
                &state.settings.secrets,
                &token,
                visitor.as_deref(),
                user.as_ref(),
                state.settings.uploads,
            )
            .await
        }
        .await,
    )
}

/// A visitor's message; the pre-chat form's name and email come with the first one.
#[server(endpoint = "widget/send", input = Json, output = Json)]
pub async fn widget_send(
    token: String,
    visitor: Option<String>,
    body: String,
    name: Option<String>,
    email: Option<String>,
    /// Files uploaded to `/api/widget/uploads` (a known visitor only).
    #[server(default)]
    attachments: Vec<i64>,
    /// The host site's verified user, if it passes one.
    #[server(default)]
    user: Option<HostUser>,
) -> Result<WidgetSent, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            let body =
                crate::domain::MessageBody::parse_beside_files(&body, !attachments.is_empty())
                    .map_err(|code| AppError::validation("body", code))?;
            let message = ssr::VisitorSend {
                body: body.as_ref(),
                name,
                email,
                attachments: &attachments,
            };
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let address = crate::auth::ssr::client_address(&parts, state.settings.trust_proxy);
            let sender = ssr::Sender {
                token: &token,
                visitor: visitor.as_deref(),
                user: user.as_ref(),
                address: address.as_deref(),
            };
            ssr::send(
                &state.db,
                &state.settings.secrets,
                &state.hub,
                &state.widget_guard,
                sender,
                message,
            )
            .await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::model::SenderKind;

    fn message(direction: MessageDirection, private: bool) -> MessageView {
        MessageView {
            id: 1,
            conversation_id: 1,
            inbox_id: 1,
            direction,
            private,
            sender_kind: SenderKind::Agent,
            sender_name: Some("Lucía".into()),
            body: "hola".into(),
            delivery_status: None,
            delivery_error: None,
            created_at: 0,
            mentions: vec![],
            extra: None,
            attachments: vec![],
        }
    }

    #[test]
    fn visitors_never_see_notes_or_activity() {
        assert!(VisitorMessage::from_message(&message(MessageDirection::Outgoing, true)).is_none());
        assert!(
            VisitorMessage::from_message(&message(MessageDirection::Activity, false)).is_none()
        );
        let reply =
            VisitorMessage::from_message(&message(MessageDirection::Outgoing, false)).unwrap();
        assert!(reply.from_agent);
        assert_eq!(reply.agent_name.as_deref(), Some("Lucía"));
    }

    #[test]
    fn visitor_frames_read_back() {
        let reply =
            VisitorMessage::from_message(&message(MessageDirection::Outgoing, false)).unwrap();
        for frame in [VisitorFrame::Hello, VisitorFrame::Message(reply)] {
            let text = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<VisitorFrame>(&text).unwrap(), frame);
        }
    }
}
