//! The dashboard's live connection: one WebSocket per tab that resumes from the last
//! event id it saw, and a registry of handlers that apply events as deltas.
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod presence;
#[cfg(feature = "ssr")]
mod published;
#[cfg(feature = "ssr")]
mod relay;

mod registry;
pub mod typing;

use leptos::prelude::*;
use std::sync::Arc;

use crate::events::EventEnvelope;
pub use registry::{Live, LiveStatus, Writer};

/// Starts the live connection (in the browser) and makes it available below.
pub fn provide_live(last_event_id: i64) -> Live {
    let live = Live::new(last_event_id);
    provide_context(live.clone());
    #[cfg(feature = "hydrate")]
    client::connect(live.clone());
    live
}

/// Runs `handler` for each live event while the calling component is mounted.
pub fn on_event(handler: impl Fn(&EventEnvelope) + Send + Sync + 'static) {
    if let Some(live) = use_context::<Live>() {
        let id = live.add(Arc::new(handler));
        on_cleanup(move || live.remove(id));
    }
}

#[cfg(feature = "hydrate")]
mod client;
