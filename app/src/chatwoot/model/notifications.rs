//! The caller's notifications as Chatwoot's API shows them (`/notifications`).
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Conversation, UserSender};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// `conversation_mention`, `conversation_assignment`, `conversation_creation` or
    /// `assigned_conversation_new_message`.
    pub notification_type: &'static str,
    /// One line in the agent's language: "Lucía te mencionó en #12".
    pub push_message_title: String,
    /// Always `Conversation`.
    pub primary_actor_type: &'static str,
    /// The conversation's number, as `primary_actor.id`.
    pub primary_actor_id: i64,
    pub primary_actor: Conversation,
    /// ISO 8601, or null while unread.
    pub read_at: Option<String>,
    /// The teammate who mentioned or assigned, when one did.
    pub secondary_actor: Option<UserSender>,
    pub user: UserSender,
    /// Unix seconds.
    pub created_at: i64,
    pub last_activity_at: i64,
    #[schema(value_type = Object)]
    pub meta: Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationMeta {
    pub unread_count: i64,
    pub count: i64,
    pub current_page: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationData {
    pub meta: NotificationMeta,
    pub payload: Vec<Notification>,
}

/// `GET …/notifications`: a page of 15, the latest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationPage {
    pub data: NotificationData,
}

/// `GET`/`PATCH /api/v1/notification_settings`: which kinds reach the caller by email
/// and by push, in Chatwoot's flags.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationSettings {
    /// The caller's id (Charla keeps one setting per agent).
    pub id: i64,
    pub user_id: i64,
    pub account_id: i64,
    /// The email flags Charla sends (mentions and assignments).
    pub all_email_flags: Vec<&'static str>,
    pub selected_email_flags: Vec<&'static str>,
    pub all_push_flags: Vec<&'static str>,
    pub selected_push_flags: Vec<&'static str>,
}
