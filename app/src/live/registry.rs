//! The tab's live state: connection status, the last event id seen, and the
//! handlers that apply events as deltas (shared by the socket task and components).
use leptos::prelude::*;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::events::EventEnvelope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Live,
    Offline,
}

pub(super) type Handler = Arc<dyn Fn(&EventEnvelope) + Send + Sync>;

/// Shared by every component under the signed-in layout.
#[derive(Clone)]
pub struct Live {
    pub status: RwSignal<LiveStatus>,
    /// Bumped when the server could not replay the gap: views reload their data.
    pub resync: RwSignal<u64>,
    pub(super) last_id: Arc<AtomicI64>,
    handlers: Arc<Mutex<Vec<(u64, Handler)>>>,
    next_handler: Arc<AtomicU64>,
}

impl Live {
    pub(super) fn new(last_event_id: i64) -> Self {
        Live {
            status: RwSignal::new(LiveStatus::Connecting),
            resync: RwSignal::new(0),
            last_id: Arc::new(AtomicI64::new(last_event_id)),
            handlers: Arc::new(Mutex::new(Vec::new())),
            next_handler: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn last_id(&self) -> i64 {
        self.last_id.load(Ordering::SeqCst)
    }

    /// Applies one event, at most once and in id order.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn dispatch(&self, event: &EventEnvelope) {
        if event.id <= self.last_id() {
            return;
        }
        self.last_id.store(event.id, Ordering::SeqCst);
        let handlers: Vec<Handler> = self
            .handlers
            .lock()
            .map(|h| h.iter().map(|(_, f)| f.clone()).collect())
            .unwrap_or_default();
        for handler in handlers {
            handler(event);
        }
    }

    pub(super) fn add(&self, handler: Handler) -> u64 {
        let id = self.next_handler.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut handlers) = self.handlers.lock() {
            handlers.push((id, handler));
        }
        id
    }

    pub(super) fn remove(&self, id: u64) {
        if let Ok(mut handlers) = self.handlers.lock() {
            handlers.retain(|(h, _)| *h != id);
        }
    }
}
