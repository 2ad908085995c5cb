//! Read receipts in the widget: while she can see the chat (the page visible and,
//! inside the embed, the frame open) she says how far she has read, so agents see their
//! replies "Leído"; and her own messages an agent has read show "Visto".
use leptos::prelude::*;

use super::host;
use super::typing::Typing;
use super::{VisitorMessage, VisitorSays};
use crate::domain::Millis;

#[derive(Clone, Copy)]
pub struct Receipts {
    /// When an agent last read her conversation.
    pub seen_at: RwSignal<Option<Millis>>,
    /// The newest reply she has said she read.
    said: StoredValue<i64>,
    messages: RwSignal<Vec<VisitorMessage>>,
    typing: Typing,
}

impl Receipts {
    pub fn new(messages: RwSignal<Vec<VisitorMessage>>, typing: Typing) -> Self {
        Receipts {
            seen_at: RwSignal::new(None),
            said: StoredValue::new(0),
            messages,
            typing,
        }
    }

    /// An agent read her conversation at `at` (or replied then: she read it first).
    pub fn agent_read(&self, at: Millis) {
        self.seen_at
            .update(|seen| *seen = Some(seen.map_or(at, |s| s.max(at))));
    }

    /// Says how far she has read, if she can see the chat and a reply is new to her.
    pub fn check(&self) {
        if !host::shown() {
            return;
        }
        let newest = self.messages.with_untracked(|list| {
            list.iter()
                .filter(|m| m.from_agent)
                .map(|m| m.id)
                .max()
                .unwrap_or(0)
        });
        if newest > self.said.get_value() {
            self.said.set_value(newest);
            self.typing.send(VisitorSays::Seen { up_to: newest });
        }
    }

    /// Her newest message an agent has read.
    pub fn last_seen(&self) -> Option<i64> {
        let seen_at = self.seen_at.get()?;
        self.messages.with(|list| {
            list.iter()
                .filter(|m| !m.from_agent && m.created_at <= seen_at)
                .map(|m| m.id)
                .max()
        })
    }
}

/// Checks again whenever the page becomes visible.
pub fn watch(receipts: Receipts) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;
        let handler = Closure::<dyn Fn()>::new(move || receipts.check());
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", handler.as_ref().unchecked_ref());
        // The page lives as long as the widget.
        handler.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = receipts;
}
