//! The JSON shapes of Chatwoot's Application API v1, as its published OpenAPI
//! document and its views give them: times in unix seconds (0 when unset), a
//! conversation's `id` is its number in the account (`display_id`), a message's
//! `message_type` is 0 incoming, 1 outgoing, 2 activity, 3 template (a survey card).
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

mod account;
mod attributes;
mod notes;
mod notifications;
mod profile;
mod public;
mod requests;
mod search;
pub use account::*;
pub use attributes::*;
pub use notes::*;
pub use notifications::*;
pub use profile::*;
pub use public::*;
pub use requests::*;
pub use search::*;

/// A teammate (`/agents`, a conversation's assignee, an inbox's members).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Agent {
    pub id: i64,
    pub account_id: i64,
    pub availability_status: &'static str,
    pub auto_offline: bool,
    pub confirmed: bool,
    pub email: String,
    pub provider: &'static str,
    pub available_name: String,
    pub name: String,
    pub role: &'static str,
    pub thumbnail: String,
}

/// One day of an inbox's working hours, as Chatwoot lists them: Sunday is 0; a day
/// open or closed all day has no hours of its own (open all day reads 0:00–23:59).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkingHours {
    pub day_of_week: u8,
    pub open_all_day: bool,
    pub closed_all_day: bool,
    pub open_hour: Option<u16>,
    pub open_minutes: Option<u16>,
    pub close_hour: Option<u16>,
    pub close_minutes: Option<u16>,
}

/// An inbox, with the keys of its channel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Inbox {
    pub id: i64,
    pub avatar_url: String,
    pub channel_id: i64,
    pub name: String,
    pub channel_type: &'static str,
    pub greeting_enabled: bool,
    pub greeting_message: Option<String>,
    pub working_hours_enabled: bool,
    /// The week, Sunday first.
    pub working_hours: Vec<WorkingHours>,
    pub enable_email_collect: bool,
    pub csat_survey_enabled: bool,
    pub enable_auto_assignment: bool,
    pub allow_messages_after_resolved: bool,
    pub lock_to_single_conversation: bool,
    pub timezone: String,
    /// Shown to customers outside the working hours.
    pub out_of_office_message: Option<String>,
    /// Web chat: when the team usually replies (`in_a_few_minutes`, `in_a_few_hours`,
    /// `in_a_day`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_time: Option<&'static str>,
    /// Web chat: the widget's public token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website_token: Option<String>,
    /// WhatsApp: the business number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Email: the inbox's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<&'static str>,
    /// API inboxes: the Client API's identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbox_identifier: Option<String>,
    /// API inboxes: where the inbox's events go ("" when nowhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
}

/// The short inbox inside a contact's `contact_inboxes`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxSlim {
    pub id: i64,
    pub avatar_url: String,
    pub channel_id: i64,
    pub name: String,
    pub channel_type: &'static str,
    pub provider: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub allow_auto_assign: bool,
    pub account_id: i64,
    pub is_member: bool,
}

/// A contact. `contact_inboxes` only on the contacts endpoints.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub identifier: Option<String>,
    pub thumbnail: String,
    pub availability_status: &'static str,
    pub blocked: bool,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub custom_attributes: Value,
    pub last_activity_at: i64,
    pub created_at: i64,
    /// Always "contact" (the `sender` of a message tells people apart by it).
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_inboxes: Option<Vec<ContactInbox>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactInbox {
    pub source_id: Option<String>,
    pub inbox: InboxSlim,
}

/// Who wrote a message: a teammate, the contact, or an agent bot.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Sender {
    User(UserSender),
    Contact(Box<Contact>),
    Bot(BotSender),
}

/// An agent bot as a message's sender (`type: "agent_bot"`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BotSender {
    pub id: i64,
    pub name: String,
    pub avatar_url: String,
    /// Always `agent_bot`.
    #[serde(rename = "type")]
    #[schema(pattern = "^agent_bot$")]
    pub kind: &'static str,
}

/// An agent bot as Chatwoot's API gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentBot {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub outgoing_url: String,
    pub account_id: i64,
    pub bot_type: &'static str,
    pub bot_config: serde_json::Value,
    /// Its `api_access_token`: given to administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserSender {
    pub id: i64,
    pub name: String,
    pub available_name: String,
    pub avatar_url: String,
    /// Always `user`: it tells this sender from a bot.
    #[serde(rename = "type")]
    #[schema(pattern = "^user$")]
    pub kind: &'static str,
    pub availability_status: &'static str,
    pub thumbnail: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub message_id: i64,
    pub file_type: &'static str,
    pub account_id: i64,
    pub extension: Option<String>,
    pub data_url: String,
    pub thumb_url: String,
    pub file_size: i64,
    pub file_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    pub content: Option<String>,
    pub inbox_id: i64,
    /// The conversation's number in the account, as in the addresses.
    pub conversation_id: i64,
    pub message_type: i64,
    pub content_type: &'static str,
    pub status: &'static str,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub content_attributes: Value,
    pub created_at: i64,
    pub private: bool,
    pub source_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    /// "User", "Contact" or absent (activity); in a conversation's `messages`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationMeta {
    pub sender: Contact,
    pub channel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Agent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Team>,
    pub hmac_verified: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Conversation {
    pub meta: ConversationMeta,
    /// The number in the account (`#12`), which the addresses use.
    pub id: i64,
    /// Stable across APIs and webhooks (Chatwoot's clients key conversations by it).
    pub uuid: String,
    /// The last message, if any.
    pub messages: Vec<Message>,
    pub account_id: i64,
    pub inbox_id: i64,
    pub status: &'static str,
    pub priority: Option<&'static str>,
    pub labels: Vec<String>,
    pub unread_count: i64,
    pub can_reply: bool,
    pub muted: bool,
    pub snoozed_until: Option<i64>,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub custom_attributes: Value,
    /// Unix seconds of the latest reading by any agent (0: none yet); likewise below.
    pub agent_last_seen_at: i64,
    pub assignee_last_seen_at: i64,
    pub contact_last_seen_at: i64,
    /// An agent's first public message (not a bot's).
    pub first_reply_created_at: i64,
    pub waiting_since: i64,
    pub created_at: i64,
    /// Unix seconds with a fraction, as Chatwoot gives it.
    pub updated_at: f64,
    pub timestamp: i64,
    pub last_activity_at: i64,
    /// The latest message that is not an activity line (the same as `messages`' one).
    pub last_non_activity_message: Option<Message>,
    /// Charla has no SLA policies.
    pub sla_policy_id: Option<i64>,
}

/// The tab counts of the list, for the status and filters asked (not the assignee type).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ListCounts {
    pub mine_count: i64,
    pub assigned_count: i64,
    pub unassigned_count: i64,
    pub all_count: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Label {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub color: String,
    pub show_on_sidebar: bool,
}

/// An automation rule as Chatwoot's API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AutomationRule {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub description: String,
    #[schema(value_type = String)]
    pub event_name: Value,
    #[schema(value_type = Vec<Object>)]
    pub conditions: Value,
    #[schema(value_type = Vec<Object>)]
    pub actions: Value,
    /// Unix seconds.
    pub created_on: i64,
    pub active: bool,
}

/// A macro as Chatwoot's API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Macro {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    /// `personal` or `global`.
    pub visibility: String,
    #[schema(value_type = Vec<Object>)]
    pub actions: Value,
    /// The agent who wrote it (absent once she is gone).
    pub created_by_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CannedResponse {
    pub id: i64,
    pub account_id: i64,
    pub short_code: String,
    pub content: String,
}

/// The `meta` of a conversation's messages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessagesMeta {
    pub labels: Vec<String>,
    #[schema(value_type = Object)]
    #[schema(value_type = Object)]
    pub additional_attributes: Value,
    pub contact: Contact,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Agent>,
    pub agent_last_seen_at: Option<String>,
    pub assignee_last_seen_at: Option<String>,
}
