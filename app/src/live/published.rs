//! A committed event as sockets share it: serialized once for all of them.
use crate::events::{EventEnvelope, ServerFrame};

/// A committed event as the hub hands it to every socket of its account. The agent
/// socket's frame is serialized once, by the first socket that shows it, and shared by
/// the rest (with hundreds of sockets, serializing per socket was most of the cost).
pub struct Published {
    pub envelope: EventEnvelope,
    frame: std::sync::OnceLock<axum::extract::ws::Utf8Bytes>,
}

impl Published {
    pub fn new(envelope: EventEnvelope) -> Self {
        Published {
            envelope,
            frame: std::sync::OnceLock::new(),
        }
    }

    /// `ServerFrame::Event` of this event as JSON text.
    pub fn agent_frame(&self) -> axum::extract::ws::Utf8Bytes {
        self.frame
            .get_or_init(|| {
                serde_json::to_string(&ServerFrame::Event(self.envelope.clone()))
                    .unwrap_or_default()
                    .into()
            })
            .clone()
    }
}

impl std::ops::Deref for Published {
    type Target = EventEnvelope;

    fn deref(&self) -> &EventEnvelope {
        &self.envelope
    }
}
