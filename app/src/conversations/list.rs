//! Conversaciones: tabs Mías / Sin asignar / Todas with live counts, a status filter and
//! the list (newest activity first, more on scroll). Live events are applied as deltas;
//! nothing is refetched unless the socket asks for a resync.
mod deltas;
mod items;
mod layout;
mod row;
mod tabs;

pub use layout::{ConversationsLayout, NoConversationSelected};
