//! A notification as the bell shows it. Vocabulary: the live events carry it.
use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// One notification (today: being mentioned in a private note).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub conversation_id: i64,
    pub display_id: i64,
    pub actor_name: Option<String>,
    pub preview: String,
    pub created_at: Millis,
    pub read: bool,
}
