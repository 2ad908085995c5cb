//! Channels are adapters behind one trait: the outbox worker hands each stored reply to
//! the adapter of its conversation's channel and records what happened.
#[cfg(feature = "ssr")]
pub mod adapter;
#[cfg(feature = "ssr")]
pub mod api_inbox;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod outbound;
#[cfg(feature = "ssr")]
pub mod web_chat;
#[cfg(feature = "ssr")]
pub mod whatsapp;
