//! Conversaciones: tabs Mías / Sin asignar / Todas and saved folders with live counts,
//! a status filter, triage filters, bulk actions and the list (newest activity first, more on scroll). Live events are applied as deltas;
//! nothing is refetched unless the socket asks for a resync.
mod bulk;
mod dates;
mod deltas;
mod folders;
mod items;
mod layout;
mod row;
mod tabs;

pub use layout::{ConversationsLayout, NoConversationSelected};
