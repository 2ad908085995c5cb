//! The tab's live state: connection status, the last event id seen, and the
//! handlers that apply events as deltas (shared by the socket task and components).
use leptos::prelude::*;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::typing::Typing;
use crate::events::{ClientFrame, EventEnvelope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Live,
    Offline,
}

pub(super) type Handler = Arc<dyn Fn(&EventEnvelope) + Send + Sync>;
pub(super) type Sayer = Arc<Mutex<Option<Box<dyn Fn(ClientFrame) + Send>>>>;

/// Someone writing, shown until `until` (ms since the epoch) unless repeated.
#[derive(Debug, Clone, PartialEq)]
pub struct Writer {
    pub typing: Typing,
    pub until: f64,
}

/// Shared by every component under the signed-in layout.
#[derive(Clone)]
pub struct Live {
    pub status: RwSignal<LiveStatus>,
    /// Bumped when the server could not replay the gap: views reload their data.
    pub resync: RwSignal<u64>,
    pub(super) last_id: Arc<AtomicI64>,
    handlers: Arc<Mutex<Vec<(u64, Handler)>>>,
    next_handler: Arc<AtomicU64>,
    /// Who is writing where (teammates and customers), as the socket last said.
    pub writers: RwSignal<Vec<Writer>>,
    /// Writes a frame on the socket while it is open.
    pub(super) sayer: Sayer,
}

impl Live {
    pub(super) fn new(last_event_id: i64) -> Self {
        Live {
            status: RwSignal::new(LiveStatus::Connecting),
            resync: RwSignal::new(0),
            last_id: Arc::new(AtomicI64::new(last_event_id)),
            handlers: Arc::new(Mutex::new(Vec::new())),
            next_handler: Arc::new(AtomicU64::new(0)),
            writers: RwSignal::new(Vec::new()),
            sayer: Arc::new(Mutex::new(None)),
        }
    }

    /// Says `frame` on the socket; dropped while it is closed (what it says is
    /// repeated or no longer matters by the time it reopens).
    pub fn say(&self, frame: ClientFrame) {
        if let Ok(sayer) = self.sayer.lock() {
            if let Some(say) = sayer.as_ref() {
                say(frame);
            }
        }
    }

    /// Records what the socket said about someone writing.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn writing(&self, typing: Typing, now: f64) {
        self.writers.update(|writers| {
            writers.retain(|w| {
                w.until > now
                    && !(w.typing.conversation_id == typing.conversation_id
                        && w.typing.agent_id == typing.agent_id)
            });
            if typing.typing {
                writers.push(Writer {
                    typing,
                    until: now + super::typing::SHOWN_MS,
                });
            }
        });
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
