//! A contact's notes and a conversation's reporting events as Chatwoot's API shows
//! them (`/contacts/{id}/notes`, `/conversations/{id}/reporting_events`).
use serde::Serialize;
use utoipa::ToSchema;

use super::Agent;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactNote {
    pub id: i64,
    pub content: String,
    pub account_id: i64,
    pub contact_id: i64,
    /// Its author (absent only if her agent was erased with her account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Agent>,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// One measured duration of a conversation (`…/conversations/{id}/reporting_events`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportingEvent {
    pub id: i64,
    /// `first_response`, `reply_time` or `conversation_resolved`.
    pub name: &'static str,
    /// Seconds.
    pub value: f64,
    /// Seconds within the inbox's business hours (null until measured).
    pub value_in_business_hours: Option<f64>,
    /// Unix seconds: when the measured wait began and ended.
    pub event_start_time: i64,
    pub event_end_time: i64,
    pub account_id: i64,
    pub inbox_id: i64,
    /// The agent it is counted for, if any.
    pub user_id: Option<i64>,
    /// The conversation's number.
    pub conversation_id: i64,
    pub created_at: i64,
    pub updated_at: i64,
}
