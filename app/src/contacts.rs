//! Contactos (S8–S13): the contact book with search, the contact's details and
//! conversation history, Nueva conversación, CSV import/export and deletion. Server
//! functions (`api`) resolve the session and call the services in `ssr`.
mod api;
pub(crate) mod details;
mod form;
mod labels;
pub(crate) mod list;
mod merge;
pub mod model;
mod new_conversation;
mod notes;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
