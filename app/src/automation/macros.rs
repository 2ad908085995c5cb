//! Macros (issue 32): saved sequences of actions an agent runs on a conversation with
//! one click (the chat's header) or from the command palette, personal or shared with
//! the whole team. They run with the agent's own permissions, through the same
//! services as her clicks. The vocabulary is `domain::automation::macros`.
mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use model::Macro;
