//! Inboxes: the agent's own list, and for administrators creating and renaming them,
//! the routing option and every channel's settings form.
mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use model::InboxView;
