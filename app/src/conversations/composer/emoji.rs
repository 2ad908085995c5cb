//! The emoji picker's choice, put where the caret is (or over the selection), with
//! the caret after it.
use leptos::prelude::*;

use super::state::Writing;

pub(super) fn insert_emoji(writing: Writing, picker_open: RwSignal<bool>, emoji: String) {
    let Writing { text, textarea, .. } = writing;
    // The field counts in UTF-16 units, as JavaScript does.
    let (start, end) = textarea
        .get_untracked()
        .and_then(|el| Some((el.selection_start().ok()??, el.selection_end().ok()??)))
        .map(|(s, e)| (s as usize, e as usize))
        .unwrap_or_else(|| {
            let len = text.with_untracked(|t| t.encode_utf16().count());
            (len, len)
        });
    let current: Vec<u16> = text.get_untracked().encode_utf16().collect();
    let (start, end) = (start.min(current.len()), end.min(current.len()));
    let mut updated = String::from_utf16_lossy(&current[..start]);
    updated.push_str(&emoji);
    updated.push_str(&String::from_utf16_lossy(&current[end..]));
    let caret = (start + emoji.encode_utf16().count()) as u32;
    text.set(updated);
    picker_open.set(false);
    if let Some(el) = textarea.get_untracked() {
        request_animation_frame(move || {
            let _ = el.focus();
            let _ = el.set_selection_range(caret, caret);
        });
    }
}
