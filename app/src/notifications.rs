//! Agent notifications (for now: being mentioned in a private note), with a bell
//! showing the unread count, pushed live.
mod api;
mod bell;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use bell::{NotificationBell, Notifications};
pub use model::NotificationView;
