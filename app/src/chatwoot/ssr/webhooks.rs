//! Webhooks on the server: the administrators' store, the dispatcher that turns the
//! event log into deliveries, the Chatwoot-shaped payloads, and the sender.
pub mod bot_hook;
pub mod dispatch;
pub mod payload;
pub mod send;
pub mod store;
pub mod typing;
pub mod widget_opened;
