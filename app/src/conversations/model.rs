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

/// What a message carries besides its body.
// Decoded by `crate::tag_first` (its twin is `MessageExtraTwin` below); stored as this
// JSON in `messages.content_attributes`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageExtra {
    /// Activity in an older conversation: the thread goes on in a newer one (S12).
    ContinuedIn {
        conversation_id: i64,
        display_id: i64,
    },
    /// An email that named another contact's conversation in its In-Reply-To or
    /// References: kept out of it (anyone can write those headers), said here.
    ThreadRefused { display_id: i64 },
    /// A customer's email larger than the configured limit: not downloaded, only its
    /// headers read (the message's body is its subject), so the agents know it came.
    MailRefused { byte_size: u64, limit_bytes: u64 },
    /// Activity after a customer's email: its files that were not kept (a program, a
    /// disguised or unaccepted type, over the size limit), each with its reason.
    FilesRefused {
        files: Vec<crate::domain::attachment::FileRefusal>,
    },
    /// A WhatsApp template send; `body` holds the rendered text.
    Template {
        name: String,
        language: String,
        /// The body's values.
        params: Vec<String>,
        #[serde(default)]
        header_params: Vec<String>,
        /// (button index, URL suffix).
        #[serde(default)]
        button_params: Vec<(usize, String)>,
        /// The variables' names, for a NAMED template (sent as `parameter_name`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        param_names: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        header_param_names: Vec<String>,
        /// The header's file, which is the message's attachment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header_media: Option<crate::domain::template::HeaderMedia>,
    },
    /// An email's subject line; for a customer's email also the quoted earlier text
    /// trimmed from `body`, and its HTML (sanitised on arrival).
    Email {
        subject: String,
        #[serde(default)]
        quoted: Option<String>,
        #[serde(default)]
        html: Option<String>,
    },
    /// A shared location (WhatsApp).
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    /// A reaction to an earlier message (empty `emoji`: the reaction was removed).
    Reaction {
        emoji: String,
        to_external_id: String,
    },
    /// A message type the channel sent that Charla cannot show; kept, never dropped.
    Unsupported { message_type: String },
    /// The customer's WhatsApp number changed from `from` to `to` (E.164).
    NumberChanged { from: String, to: String },
    /// The customer came from an ad or a post (WhatsApp click-to-chat): where it is.
    Referral {
        source_url: String,
        source_type: String,
        headline: Option<String>,
    },
    /// A change of hands: to `assignee` (`None`: unassigned), by the agent named in
    /// `by` or by automatic assignment (`by: None`). Names as they were then.
    Assigned {
        assignee: Option<String>,
        by: Option<String>,
    },
    /// Into a team's queue (`None`: out of its team's), by the agent named in `by`.
    TeamChanged {
        team: Option<String>,
        by: Option<String>,
    },
    /// Out of an agent bot's hands into the team's queue: by the bot named in `by`, or
    /// (`None`) because the customer asked for a person.
    HandedOff { by: Option<String> },
    /// The customer wrote outside the inbox's business hours and got its
    /// out-of-office reply (the message just before).
    OutOfOffice,
    /// The satisfaction survey sent when the conversation was resolved (`input_csat`),
    /// and the customer's answer once she gives it. Its link's token is not here: agents
    /// receive this, and the token is the customer's alone (`csat_surveys`).
    Survey {
        #[serde(default)]
        rating: Option<u8>,
        #[serde(default)]
        comment: Option<String>,
    },
    /// The customer rated the conversation (1-5), with her comment.
    SurveyAnswered { rating: u8, comment: String },
    /// Replies a website visitor had not read were mailed to her at `address`.
    MailedToVisitor { address: String },
    /// An automation rule acted on the conversation (Chatwoot's action names).
    AutomationRan { rule: String, actions: Vec<String> },
    /// An agent ran a macro on the conversation (Chatwoot's action names).
    MacroRan {
        name: String,
        by: String,
        actions: Vec<String>,
    },
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "MessageExtra", rename_all = "snake_case")]
enum MessageExtraTwin {
    ContinuedIn {
        conversation_id: i64,
        display_id: i64,
    },
    ThreadRefused {
        display_id: i64,
    },
    MailRefused {
        byte_size: u64,
        limit_bytes: u64,
    },
    FilesRefused {
        files: Vec<crate::domain::attachment::FileRefusal>,
    },
    Template {
        name: String,
        language: String,
        params: Vec<String>,
        #[serde(default)]
        header_params: Vec<String>,
        #[serde(default)]
        button_params: Vec<(usize, String)>,
        #[serde(default)]
        param_names: Vec<String>,
        #[serde(default)]
        header_param_names: Vec<String>,
        #[serde(default)]
        header_media: Option<crate::domain::template::HeaderMedia>,
    },
    Email {
        subject: String,
        #[serde(default)]
        quoted: Option<String>,
        #[serde(default)]
        html: Option<String>,
    },
    Location {
        latitude: f64,
        longitude: f64,
        name: Option<String>,
        address: Option<String>,
    },
    Reaction {
        emoji: String,
        to_external_id: String,
    },
    Unsupported {
        message_type: String,
    },
    NumberChanged {
        from: String,
        to: String,
    },
    Referral {
        source_url: String,
        source_type: String,
        headline: Option<String>,
    },
    Assigned {
        assignee: Option<String>,
        by: Option<String>,
    },
    TeamChanged {
        team: Option<String>,
        by: Option<String>,
    },
    HandedOff {
        by: Option<String>,
    },
    OutOfOffice,
    Survey {
        #[serde(default)]
        rating: Option<u8>,
        #[serde(default)]
        comment: Option<String>,
    },
    SurveyAnswered {
        rating: u8,
        comment: String,
    },
    MailedToVisitor {
        address: String,
    },
    AutomationRan {
        rule: String,
        actions: Vec<String>,
    },
    MacroRan {
        name: String,
        by: String,
        actions: Vec<String>,
    },
}

impl crate::tag_first::TagFirst for MessageExtra {
    const TAG: &'static str = "kind";
    fn from_variant<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        MessageExtraTwin::deserialize(d)
    }
}
crate::tag_first::tag_first_deserialize!(MessageExtra);

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
mod folder;
mod list;
pub use bulk::*;
pub use folder::*;
pub use list::*;
