//! "Is writing" both ways in the agent's view: what she writes is said on her socket
//! (a reply reaches the customer's widget, a private note only teammates, filtered on
//! the server), and who else is writing here is shown above the composer.
use leptos::prelude::*;

use super::state::Mode;
use crate::events::ClientFrame;
use crate::i18n::*;
use crate::live::typing::EVERY_MS;
use crate::live::Live;
use crate::ui::time::now;

/// Says "writing" while the text changes (at most every few seconds), and "stopped"
/// when it is emptied (sent or cleared), when she switches between reply and note, and
/// when she leaves the conversation. Only her own typing counts (not a restored draft):
/// the returned closure is called on each input.
pub(super) fn announce(
    conversation_id: i64,
    text: RwSignal<String>,
    mode: RwSignal<Mode>,
) -> impl Fn() + Copy + Send + Sync + 'static {
    let typed = StoredValue::new(false);
    let mark = move || typed.set_value(true);
    let Some(live) = use_context::<Live>() else {
        return mark;
    };
    // When "writing" was last said, and whether as a note.
    let said = StoredValue::new(None::<(f64, bool)>);
    let say = move |private: bool, typing: bool| {
        live.say(ClientFrame::Typing {
            conversation_id,
            private,
            typing,
        })
    };
    let say_now = say.clone();
    Effect::new(move |previous: Option<(String, Mode)>| {
        let say = &say_now;
        let value = text.get();
        let current = mode.get();
        let private = current == Mode::Note;
        // The first run is the restored draft, not her writing.
        if let Some((before, was)) = previous {
            let last = said.get_value();
            if let Some((_, as_note)) = last.filter(|_| value.trim().is_empty() || was != current) {
                say(as_note, false);
                said.set_value(None);
            }
            let at = now() as f64;
            if typed.get_value()
                && !value.trim().is_empty()
                && value != before
                && said.get_value().is_none_or(|(t, _)| at - t >= EVERY_MS)
            {
                say(private, true);
                said.set_value(Some((at, private)));
            }
        }
        (value, current)
    });
    let say_on_leaving = say.clone();
    on_cleanup(move || {
        if let Some((_, as_note)) = said.try_get_value().flatten() {
            say_on_leaving(as_note, false);
        }
    });
    mark
}

/// Who else is writing in this conversation: teammates (a note marked as such) and the
/// customer. Each line lasts a few seconds unless repeated.
#[component]
pub(super) fn TypingNote(conversation_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_context::<Live>();
    let tick = crate::ui::time::every_second();
    let lines = move || {
        tick.track();
        let at = now() as f64;
        let Some(live) = live.as_ref() else {
            return Vec::new();
        };
        live.writers.with(|writers| {
            writers
                .iter()
                .filter(|w| w.typing.conversation_id == conversation_id && w.until > at)
                .map(|w| {
                    let name = w.typing.name.clone();
                    match (w.typing.agent_id, w.typing.private) {
                        (None, _) if name.trim().is_empty() => {
                            t_string!(i18n, typing_customer).to_string()
                        }
                        (Some(_), true) => t_string!(i18n, typing_note, name = name).to_string(),
                        _ => t_string!(i18n, typing_named, name = name).to_string(),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p class="typing-note" role="status" aria-live="polite">{move || lines().join(" ")}</p>
    }
}
