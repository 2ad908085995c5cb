//! A contact's notes as Chatwoot's API shows them (`/contacts/{id}/notes`).
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
