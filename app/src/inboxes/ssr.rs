//! Server side of inboxes: the administrators' forms over the one settings repository
//! (`db::inbox_settings`), creating and renaming, the web chat's identity secret.
pub mod business_hours;
pub mod csat;
pub mod forms;
pub mod identity_secret;
pub mod manage;
pub mod offline;
mod setting;
