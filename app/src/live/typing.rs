//! Someone writing in a conversation: said on the live sockets, never stored, and
//! forgotten by whoever shows it when nothing follows for a few seconds (a closed tab
//! cannot say that it stopped). The same way carries an agent's "read" to the
//! customer's widget.
use serde::{Deserialize, Serialize};

/// How long a "writing" is shown without a new one.
pub const SHOWN_MS: f64 = 6_000.0;
/// The writer repeats "writing" at most this often while she writes.
pub const EVERY_MS: f64 = 2_500.0;

/// One "is writing" (or "stopped") as the reader receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typing {
    pub conversation_id: i64,
    /// The agent writing; `None`: the customer.
    pub agent_id: Option<i64>,
    /// The writer's name as the reader should see it (empty: a customer without one).
    pub name: String,
    /// A private note: said to teammates only, never to the customer.
    pub private: bool,
    /// `false`: she sent it, cleared it or left.
    pub typing: bool,
}

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
