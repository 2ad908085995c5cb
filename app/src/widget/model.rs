//! What travels between the widget and the server. Everything a visitor receives is
//! built from [`VisitorMessage`], which has no field for private notes or internal
//! events: those are dropped on the server.
use crate::conversations::model::{AttachmentView, MessageExtra, MessageView};
use crate::domain::{MessageDirection, Millis};
use serde::{Deserialize, Serialize};

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
    /// A satisfaction survey: the widget shows it as a card with the ratings.
    #[serde(default)]
    pub survey: Option<SurveyCard>,
}

/// A survey as the visitor sees it: her answer once she gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyCard {
    pub rating: Option<u8>,
    #[serde(default)]
    pub comment: String,
}

impl VisitorMessage {
    /// The visitor's view of a message, or `None` for what they must never see.
    pub fn from_message(message: &MessageView) -> Option<Self> {
        if message.private || message.direction == MessageDirection::Activity {
            return None;
        }
        // An answer by email to a reply mailed to her came from an address she only
        // claimed: it is the agents' to read, never shown in the widget.
        if message.direction == MessageDirection::Incoming
            && matches!(message.extra, Some(MessageExtra::Email { .. }))
        {
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
            survey: match &message.extra {
                Some(MessageExtra::Survey {
                    rating, comment, ..
                }) => Some(SurveyCard {
                    rating: *rating,
                    comment: comment.clone().unwrap_or_default(),
                }),
                _ => None,
            },
        })
    }
}

/// Adds a message to the list in id order, or replaces the one it updates.
pub fn upsert(list: &mut Vec<VisitorMessage>, message: VisitorMessage) {
    match list.iter_mut().find(|m| m.id == message.id) {
        Some(existing) => *existing = message,
        None => {
            list.push(message);
            list.sort_by_key(|m| m.id);
        }
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
    /// When an agent last read her conversation (what she wrote until then is "Visto").
    #[serde(default)]
    pub seen_at: Option<Millis>,
    /// Whether anyone can answer now (online, away, outside the hours).
    #[serde(default)]
    pub presence: crate::domain::offline::TeamPresence,
    /// When the team usually replies.
    pub reply_time: crate::domain::ReplyTime,
    /// Ask her for an email (nobody online and none known).
    #[serde(default)]
    pub ask_email: bool,
    pub limits: crate::domain::attachment::UploadLimits,
}

/// Frames on the visitor's socket.
// Decoded by `crate::tag_first` (its twin is `VisitorFrameTwin` below).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum VisitorFrame {
    Hello,
    Message(VisitorMessage),
    /// An agent is writing a reply to her (never a private note), or stopped.
    Typing {
        name: String,
        typing: bool,
    },
    /// An agent has read what she wrote until `at` ("Visto").
    Seen {
        at: Millis,
    },
}

/// What the visitor's widget says on its socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum VisitorSays {
    /// She is writing (again every few seconds while she does), or stopped.
    Typing { typing: bool },
    /// She has the conversation open in front of her and has read up to this message.
    Seen { up_to: i64 },
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "VisitorFrame", rename_all = "snake_case")]
enum VisitorFrameTwin {
    Hello,
    Message(VisitorMessage),
    Typing { name: String, typing: bool },
    Seen { at: Millis },
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
/// inbox's identity secret. Signed, she is that identity (her contact, her history on
/// any browser); unsigned (no hash, Chatwoot's widget without identity validation),
/// her name and email are only what the visitor says about herself, as the pre-chat
/// form's answers are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HostUser {
    pub identifier: String,
    #[serde(default)]
    pub identifier_hash: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl HostUser {
    /// Whether the host vouches for her (a hash to check), not only names her.
    pub fn signed(&self) -> bool {
        !self.identifier_hash.trim().is_empty()
    }
}

/// What the host page's script asks of the chat, by Chatwoot's name:
/// `setCustomAttributes` / `deleteCustomAttribute` (her contact),
/// `setConversationCustomAttributes` / `deleteConversationCustomAttribute` and
/// `setLabel` / `removeLabel` (her conversation). `arg` is the object of values, or the
/// key or label. What the visitor's page says, as her pre-chat answers are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageCall {
    pub name: String,
    #[serde(default)]
    pub arg: serde_json::Value,
}

/// The most calls one request carries (a page queues them until she writes first).
pub const PAGE_CALLS_MAX: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WidgetSent {
    /// The visitor token to keep (new on the first message).
    pub visitor: String,
    pub message: VisitorMessage,
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
            sender_id: None,
            body: "hola".into(),
            delivery_status: None,
            delivery_error: None,
            created_at: 0,
            mentions: vec![],
            extra: None,
            reaction: None,
            reply_to: None,
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
        let typing = VisitorFrame::Typing {
            name: "Lucía".into(),
            typing: true,
        };
        let seen = VisitorFrame::Seen { at: 5 };
        for frame in [
            VisitorFrame::Hello,
            VisitorFrame::Message(reply),
            typing,
            seen,
        ] {
            let text = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<VisitorFrame>(&text).unwrap(), frame);
        }
    }
}
