//! Agent notifications: a mention, an assignment, a customer's reply in a conversation
//! of hers, a new conversation (if she asks). A bell with the unread count, pushed live;
//! a count in the tab's title and a sound while the page is behind others; Web Push to
//! her browsers and phones; an email for what she has not seen within minutes.
mod api;
mod attention;
mod bell;
pub mod model;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use bell::{NotificationBell, Notifications};
pub use model::NotificationView;
