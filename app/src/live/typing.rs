//! Someone writing in a conversation: said on the live sockets, never stored, and
//! forgotten by whoever shows it when nothing follows for a few seconds (a closed tab
//! cannot say that it stopped). The same way carries an agent's "read" to the
//! customer's widget.
#[cfg(feature = "ssr")]
use serde::{Deserialize, Serialize};

/// How long a "writing" is shown without a new one.
pub const SHOWN_MS: f64 = 6_000.0;
/// The writer repeats "writing" at most this often while she writes.
pub const EVERY_MS: f64 = 2_500.0;

pub use crate::events::Typing;

/// A passing word between sockets, with what the server needs to route it.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub account_id: i64,
    pub inbox_id: i64,
    pub said: Said,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Said {
    Typing(Typing),
    /// An agent opened the conversation at `at`: what the customer wrote until then
    /// has been read (her widget's "Visto").
    Read {
        conversation_id: i64,
        at: i64,
    },
}
