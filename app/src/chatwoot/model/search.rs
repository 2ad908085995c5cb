//! Chatwoot's search results (`/search`, `/search/{contacts,conversations,messages}`),
//! as its search views give them.
use serde::Serialize;
use utoipa::ToSchema;

use super::{Agent, Contact};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchInbox {
    pub id: i64,
    pub name: String,
    pub channel_type: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchSender {
    pub id: i64,
    pub name: String,
    /// `contact`, `user` or `agent_bot`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchMessage {
    pub id: i64,
    pub content: String,
    /// 0 incoming, 1 outgoing, 2 activity, 3 template.
    pub message_type: i64,
    pub content_type: &'static str,
    pub source_id: Option<String>,
    pub inbox_id: i64,
    /// The conversation's number.
    pub conversation_id: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// A note for the team only.
    pub private: bool,
    pub sender: Option<SearchSender>,
    pub inbox: SearchInbox,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchConversation {
    /// Its number.
    pub id: i64,
    pub account_id: i64,
    pub created_at: i64,
    /// Its first message the customer can see.
    pub message: Option<SearchMessage>,
    pub contact: Contact,
    pub inbox: SearchInbox,
    /// Its assignee.
    pub agent: Option<Agent>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SearchPayload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversations: Option<Vec<SearchConversation>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<Contact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<SearchMessage>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    pub payload: SearchPayload,
}
