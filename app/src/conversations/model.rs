//! Wire types of the inbox: list rows, pages, messages (the list's tabs, filter, order
//! and counts are in `list`).
use serde::{Deserialize, Serialize};

use crate::domain::{
    ChannelKind, ConversationStatus, DeliveryStatus, MessageDirection, Millis, Priority,
};

/// One row of the conversation list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: i64,
    pub display_id: i64,
    pub inbox_id: i64,
    pub inbox_name: String,
    pub channel: ChannelKind,
    pub contact_id: i64,
    pub contact_name: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub status: ConversationStatus,
    pub snoozed_until: Option<Millis>,
    pub last_activity_at: Millis,
    pub last_customer_message_at: Option<Millis>,
    pub last_message_preview: Option<String>,
    /// For the signed-in agent; 0 in events (each client keeps its own count).
    pub unread_count: i64,
    #[serde(default)]
    pub priority: Priority,
    /// Ids of the account's labels on it, ascending; the client names them from the
    /// account's list of labels.
    #[serde(default)]
    pub label_ids: Vec<i64>,
    #[serde(default)]
    pub created_at: Millis,
    /// Since when the customer waits for a reply (`None`: an agent answered last).
    #[serde(default)]
    pub waiting_since: Option<Millis>,
    /// The team whose queue it is in.
    #[serde(default)]
    pub team_id: Option<i64>,
    /// Its customer is blocked ("Silenciar"): her messages come in quietly.
    #[serde(default)]
    pub muted: bool,
}

impl ConversationSummary {
    /// This row's place in the list under `sort`.
    pub fn cursor(&self, sort: ListSort) -> Cursor {
        let (key, tie) = match sort {
            ListSort::LastActivity => (self.last_activity_at, 0),
            ListSort::CreatedNewest | ListSort::CreatedOldest => (self.created_at, 0),
            ListSort::Waiting => (self.waiting_since.unwrap_or(i64::MAX), 0),
            ListSort::Priority => (self.priority.rank(), self.last_activity_at),
        };
        Cursor {
            key,
            tie,
            id: self.id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationPage {
    pub items: Vec<ConversationSummary>,
    pub next: Option<Cursor>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    Agent,
    Contact,
    System,
    /// An agent bot answering through the API (its messages are marked as such).
    Bot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub agent_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub conversation_id: i64,
    pub inbox_id: i64,
    pub direction: MessageDirection,
    pub private: bool,
    pub sender_kind: SenderKind,
    pub sender_name: Option<String>,
    /// The agent's or the contact's id (`None` for activity lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<i64>,
    pub body: String,
    pub delivery_status: Option<DeliveryStatus>,
    pub delivery_error: Option<String>,
    pub created_at: Millis,
    pub mentions: Vec<Mention>,
    /// Structure beyond the text (stored as `content_attributes`).
    #[serde(default)]
    pub extra: Option<MessageExtra>,
    /// Files the message carries (images, audio, documents…).
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
    /// The customer's reaction to this message (WhatsApp), shown on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
    /// The earlier message this one answers, quoted above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<QuotedMessage>,
}

/// What a reply shows of the message it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedMessage {
    pub id: i64,
    /// The start of its text (empty for a file alone).
    pub excerpt: String,
}

impl QuotedMessage {
    pub const EXCERPT_CHARS: usize = 120;

    pub fn new(id: i64, body: &str) -> Self {
        let body = body.trim();
        let mut excerpt: String = body.chars().take(Self::EXCERPT_CHARS).collect();
        if excerpt.len() < body.len() {
            excerpt.push('…');
        }
        Self { id, excerpt }
    }
}

/// A stored file of a message, served (to those who may see it) at `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub duration_ms: Option<i64>,
}

impl AttachmentView {
    pub fn url(&self) -> String {
        format!("/api/attachments/{}", self.id)
    }

    /// How the chat shows it: inline image, a player, or a download chip.
    pub fn kind(&self) -> AttachmentKind {
        match self.content_type.split('/').next().unwrap_or_default() {
            // Only what every browser shows; other images (HEIC, TIFF…) download.
            "image"
                if matches!(
                    self.content_type.as_str(),
                    "image/jpeg" | "image/png" | "image/gif" | "image/webp"
                ) =>
            {
                AttachmentKind::Image
            }
            "audio" => AttachmentKind::Audio,
            "video" => AttachmentKind::Video,
            _ => AttachmentKind::File,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Image,
    Audio,
    Video,
    File,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagePage {
    /// Oldest first.
    pub items: Vec<MessageView>,
    pub has_older: bool,
}

/// Everything the chat view needs besides the messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationDetail {
    pub summary: ConversationSummary,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// WhatsApp conversations: what the composer needs for the 24-hour window.
    pub whatsapp: Option<WhatsAppComposer>,
    /// File and voice-message limits for the composer's early checks.
    pub limits: crate::domain::attachment::UploadLimits,
    /// Its custom attribute values, by key.
    #[serde(default)]
    pub custom_attributes: crate::attributes::model::AttributeValues,
}

/// The 24-hour window's inputs and the templates the composer may offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsAppComposer {
    /// The customer's last message on this number, in any conversation of the inbox.
    pub last_inbound_at: Option<Millis>,
    /// The server's clock when this was read: the browser corrects its own by it.
    pub server_now: Millis,
    pub templates: Vec<crate::domain::template::TemplateView>,
}

/// A teammate who can be assigned or mentioned in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Teammate {
    pub id: i64,
    pub name: String,
}

#[cfg(test)]
mod tests;

mod bulk;
mod extra;
mod folder;
mod list;
pub use bulk::*;
pub use extra::*;
pub use folder::*;
pub use list::*;
