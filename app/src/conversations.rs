//! Conversaciones: the inbox list (Mías / Sin asignar / Todas), the chat view and the
//! composer. Server functions (`api`) are thin: they resolve the session and call the
//! services in `ssr`, which check visibility and the domain rules.
mod api;
pub(crate) mod chat;
mod composer;
mod draft;
pub(crate) mod inbox_state;
pub(crate) mod list;
pub mod model;
pub mod queue;
#[cfg(feature = "ssr")]
pub mod ssr;
mod thread;

pub use api::*;
