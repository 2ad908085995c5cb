//! Charla's application crate: domain types, components and server functions shared
//! by the axum server (feature `ssr`) and the WASM client (feature `hydrate`).
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod agents;
pub mod auth;
pub mod domain;
pub mod error;
pub mod events;
pub mod live;
mod pages;
mod root;
mod shell;
mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod state;

pub use root::{shell, App};
