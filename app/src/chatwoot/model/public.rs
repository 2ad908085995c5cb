//! The shapes of Chatwoot's Client API (`/public/api/v1/inboxes/{inbox_identifier}/…`),
//! which custom chat fronts and integrations use on behalf of one customer: its views
//! give a contact with `source_id` (the contact identifier the client keeps) and
//! `pubsub_token`; conversations by their number (`display_id`); messages with
//! `message_type` as an integer and unix-second times.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{Attachment, Contact, Sender};

/// A contact as the Client API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicContact {
    pub id: i64,
    /// The contact identifier: the client sends it back in every path.
    pub source_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    /// Chatwoot's live-updates token; Charla pushes replies to the inbox's webhook URL
    /// instead, so this is the contact identifier again.
    pub pubsub_token: String,
}

/// A message as the Client API answers it (never a private note).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicMessage {
    pub id: i64,
    pub content: Option<String>,
    /// 0 incoming (the customer's), 1 outgoing (an agent's), 2 activity, 3 template.
    pub message_type: i64,
    pub content_type: &'static str,
    #[schema(value_type = Object)]
    pub content_attributes: Value,
    pub created_at: i64,
    /// The conversation's number.
    pub conversation_id: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
}

/// A conversation as the Client API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicConversation {
    /// The conversation's number in the account.
    pub id: i64,
    pub uuid: String,
    pub inbox_id: i64,
    pub contact_last_seen_at: i64,
    pub status: &'static str,
    pub agent_last_seen_at: i64,
    pub messages: Vec<PublicMessage>,
    /// The contact's whole record, as Chatwoot's view gives it.
    pub contact: Contact,
}

/// `POST …/contacts`, `PATCH …/contacts/{contact_identifier}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PublicContactBody {
    /// The contact identifier the client wants (else one is made).
    pub source_id: Option<String>,
    /// The integrator's own id of the customer (verified with `identifier_hash`).
    pub identifier: Option<String>,
    pub identifier_hash: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    #[schema(value_type = Object)]
    #[serde(default)]
    pub custom_attributes: Option<Value>,
}

/// `POST …/conversations/{id}/messages` (JSON, or multipart/form-data with files as
/// `attachments[]`).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PublicMessageBody {
    pub content: Option<String>,
    /// The client's own id of the message, echoed in `content_attributes`.
    pub echo_id: Option<String>,
    /// Files already stored as the contact's pending uploads (from the multipart form).
    #[serde(skip)]
    #[schema(ignore)]
    pub attachments: Vec<i64>,
}

/// `POST …/conversations/{id}/toggle_typing`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TypingBody {
    /// "on" or "off".
    pub typing_status: Option<String>,
}

/// `GET /public/api/v1/inboxes/{inbox_identifier}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicInbox {
    pub identifier: String,
    pub identity_validation_enabled: bool,
    pub name: String,
    pub timezone: String,
    pub working_hours_enabled: bool,
    /// The week, Sunday first.
    pub working_hours: Vec<super::WorkingHours>,
    pub csat_survey_enabled: bool,
    pub greeting_enabled: bool,
}

/// `POST …/contacts/{contact_identifier}/conversations`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PublicConversationBody {
    /// The conversation's custom attribute values (keys the account defines).
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub custom_attributes: Option<serde_json::Value>,
}
