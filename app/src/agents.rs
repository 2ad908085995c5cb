//! Agents as the dashboard sees them: the signed-in profile, teammates and their
//! availability.
mod api;
pub mod model;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use model::{AgentProfile, TeamMember};
// The inbox settings moved to `inboxes`; the team page still names them here.
pub use crate::inboxes::{
    create_inbox, email_settings, inbox_routing, rename_inbox, save_email, save_inbox_routing,
    save_web_chat, save_whatsapp, sync_whatsapp_templates, test_email_connection,
    web_chat_identity_secret, web_chat_settings, whatsapp_settings,
};

#[cfg(test)]
mod tests;
