//! Charla's application crate: domain types, components and server functions shared
//! by the axum server (feature `ssr`) and the WASM client (feature `hydrate`).
#![recursion_limit = "512"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod agents;
pub mod attributes;
pub mod auth;
pub mod automation;
pub mod canned;
pub mod channels;
pub mod chatwoot;
pub mod contacts;
pub mod conversations;
pub mod domain;
mod emoji;
pub mod error;
pub mod events;
pub mod inboxes;
pub mod labels;
pub mod live;
pub mod notifications;
mod pages;
pub mod reports;
mod root;
pub mod search;
mod shell;
mod tag_first;
pub mod teams;
mod ui;
pub mod widget;
pub mod wire;

#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod storage;

pub use root::{shell, App};
