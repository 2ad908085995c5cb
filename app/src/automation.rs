//! Automation rules (issue 32): administrators keep rules (an event, conditions,
//! actions, in Chatwoot's shape and order) that do routine work by themselves. This
//! part stores and checks them; the rules' vocabulary and matching are in
//! `domain::automation`.
mod api;
pub mod macros;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use model::AutomationRule;
