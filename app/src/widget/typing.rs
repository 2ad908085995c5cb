//! "Is writing" in the widget: the visitor's own writing is said on her socket (at
//! most every few seconds, and "stopped" once she sends or clears it), and an agent
//! writing a reply to her is shown under the messages for a few seconds at a time.
use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;

use crate::i18n::*;
use crate::live::typing::{EVERY_MS, SHOWN_MS};
use crate::ui::time::now;
use crate::widget::VisitorSays;

#[derive(Clone, Copy)]
pub struct Typing {
    /// The agent writing to her, and until when that is shown.
    agent: RwSignal<Option<(String, f64)>>,
    /// When "writing" was last said (0: she is not writing).
    said: StoredValue<f64>,
    /// The open socket's outgoing frames.
    outbox: StoredValue<Option<UnboundedSender<VisitorSays>>>,
}

impl Typing {
    pub fn new() -> Self {
        Typing {
            agent: RwSignal::new(None),
            said: StoredValue::new(0.0),
            outbox: StoredValue::new(None),
        }
    }

    /// The socket's way out (or `None` once it closed).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn attach(&self, outbox: Option<UnboundedSender<VisitorSays>>) {
        self.outbox.set_value(outbox);
    }

    /// What the socket said about an agent writing.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn agent_writes(&self, name: String, typing: bool) {
        self.agent
            .set(typing.then(|| (name, now() as f64 + SHOWN_MS)));
    }

    /// Her text changed (empty: sent or cleared).
    pub fn wrote(&self, value: &str) {
        let at = now() as f64;
        let said = self.said.get_value();
        let frame = if value.trim().is_empty() {
            if said == 0.0 {
                return;
            }
            self.said.set_value(0.0);
            VisitorSays::Typing { typing: false }
        } else {
            if at - said < EVERY_MS {
                return;
            }
            self.said.set_value(at);
            VisitorSays::Typing { typing: true }
        };
        self.send(frame);
    }

    /// Writes a frame on the socket while it is open (dropped otherwise).
    pub(super) fn send(&self, frame: VisitorSays) {
        self.outbox.with_value(|outbox| {
            if let Some(outbox) = outbox {
                let _ = outbox.unbounded_send(frame);
            }
        });
    }
}

impl Default for Typing {
    fn default() -> Self {
        Self::new()
    }
}

/// "Lucía está escribiendo…" while an agent writes her a reply.
#[component]
pub fn TypingNote(typing: Typing) -> impl IntoView {
    let i18n = use_i18n();
    let tick = crate::ui::time::every_second();
    let line = move || {
        tick.track();
        typing
            .agent
            .get()
            .filter(|(_, until)| *until > now() as f64)
            .map(|(name, _)| t_string!(i18n, typing_named, name = name).to_string())
    };
    view! {
        <p class="typing-note" role="status" aria-live="polite">{line}</p>
    }
}
