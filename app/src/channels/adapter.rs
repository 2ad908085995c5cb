//! The one trait every channel implements, and what crosses it: the outbox worker hands
//! an adapter a stored message and records the answer. The UI never sees this.
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;

use crate::domain::ChannelKind;

/// What an adapter is handed.
#[derive(Debug, Clone)]
pub struct OutboundMessage {
    pub message_id: i64,
    pub conversation_id: i64,
    pub inbox_id: i64,
    pub body: String,
    pub attempt: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sent {
        external_id: Option<String>,
    },
    /// Try again later (network error, 429, 5xx).
    Retry {
        error: String,
    },
    /// Give up: shown on the message with a manual retry.
    Failed {
        error: String,
    },
}

pub trait Adapter: Send + Sync {
    fn deliver<'a>(&'a self, message: &'a OutboundMessage) -> BoxFuture<'a, Delivery>;

    /// Whether handing a message over again is harmless (nothing leaves the process).
    /// Such outcomes are recorded together, in one transaction per pass; after a crash
    /// before that commit the message is simply handed over again.
    fn repeatable(&self) -> bool {
        false
    }
}

pub type Adapters = HashMap<ChannelKind, Arc<dyn Adapter>>;
