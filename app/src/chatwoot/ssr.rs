//! The API's services: each reads through, or changes through, the service the
//! dashboard uses, then gives the answer Chatwoot's shape.
pub mod account;
pub mod account_detail;
pub mod agent_cable;
pub mod agents;
pub mod api_inbox;
pub mod api_start;
pub mod automation;
mod body;
pub mod bots;
pub mod changes;
pub mod contact_filter;
pub mod contact_notes;
pub mod contacts;
pub mod conversation_filter;
pub mod conversations;
pub mod custom_attributes;
pub mod custom_filters;
mod filter_custom;
mod filter_sql;
pub mod inbox_traits;
pub mod macros;
pub mod memberships;
pub mod messages;
pub mod moments;
pub mod notification_settings;
pub mod notifications;
pub mod profile;
pub mod public;
pub mod render;
pub mod reporting_events;
pub mod reports;
pub mod search;
pub mod start;
mod text_search;
pub mod webhooks;

use crate::agents::model::AgentProfile;
use crate::state::AppState;

/// Who calls, and where the server is reached (for absolute file addresses).
pub struct Caller<'a> {
    pub state: &'a AppState,
    pub agent: &'a AgentProfile,
    /// `https://charla.example`, no trailing slash.
    pub base_url: &'a str,
}

impl Caller<'_> {
    pub fn viewer(&self) -> crate::auth::permission::Viewer {
        self.agent.into()
    }

    pub fn db(&self) -> &crate::db::Db {
        &self.state.db
    }
}
