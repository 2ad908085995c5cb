//! What the composer's parts share: the mode (reply or private note), the text being
//! written and its field, the teammates mentioned in it, the error shown under it,
//! and the browser's clock.
use leptos::prelude::*;

use crate::conversations::model::{QuotedMessage, Teammate};
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Reply,
    Note,
}

#[derive(Clone, Copy)]
pub(super) struct Writing {
    pub mode: RwSignal<Mode>,
    pub text: RwSignal<String>,
    /// Picked with `@`; only those still named in a note are notified.
    pub mentions: RwSignal<Vec<Teammate>>,
    pub error: RwSignal<Option<AppError>>,
    pub textarea: NodeRef<leptos::html::Textarea>,
}

impl Writing {
    pub fn new() -> Writing {
        Writing {
            mode: RwSignal::new(Mode::Reply),
            text: RwSignal::new(String::new()),
            mentions: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            textarea: NodeRef::new(),
        }
    }
}

/// The message the next reply or note answers, chosen with "Citar" on a message: the
/// conversation's message list sets it, its composer shows and sends it.
#[derive(Clone, Copy)]
pub struct Quoting(pub RwSignal<Option<QuotedMessage>>);

impl Quoting {
    pub fn new() -> Quoting {
        Quoting(RwSignal::new(None))
    }
}

/// Back to the composer with the caret at the end (after picking from a popup).
pub(super) fn focus_end(textarea: NodeRef<leptos::html::Textarea>) {
    if let Some(el) = textarea.get_untracked() {
        request_animation_frame(move || {
            let _ = el.focus();
            let end = el.value().encode_utf16().count() as u32;
            let _ = el.set_selection_range(end, end);
        });
    }
}

pub(super) fn now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}
