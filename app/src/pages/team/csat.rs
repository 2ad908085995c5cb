//! An inbox's satisfaction survey (CSAT, issue 31): the switch and the question the
//! customer reads when her conversation is resolved.
use leptos::prelude::*;

use crate::domain::csat::{CsatSettings, DEFAULT_QUESTION, QUESTION_MAX_CHARS};
use crate::i18n::*;
use crate::inboxes::{inbox_csat, save_inbox_csat};
use crate::ui::error_text;

#[component]
pub fn CsatForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(false);
    let question = RwSignal::new(String::new());
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match inbox_csat(inbox_id).await {
                Ok(settings) => {
                    enabled.set(settings.enabled);
                    question.set(settings.question);
                    loaded.set(true);
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
        });
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let settings = CsatSettings {
            enabled: enabled.get_untracked(),
            question: question.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match save_inbox_csat(inbox_id, settings).await {
                Ok(()) => {
                    failure.set(None);
                    saved.set(true);
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
        });
    };
    let (on_id, question_id) = (
        format!("inbox-{inbox_id}-csat-on"),
        format!("inbox-{inbox_id}-csat-question"),
    );
    view! {
        <details class="csat-settings">
            <summary>{t!(i18n, csat_title)}</summary>
            <form class="stack" on:submit=save>
                <p class="hint muted">{t!(i18n, csat_help)}</p>
                <div class="field checkbox">
                    <input id=on_id.clone() type="checkbox" prop:checked=move || enabled.get()
                        disabled=move || !loaded.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                    <label for=on_id>{t!(i18n, csat_enabled)}</label>
                </div>
                <div class="field">
                    <label for=question_id.clone()>{t!(i18n, csat_question)}</label>
                    <textarea id=question_id rows="2" maxlength=QUESTION_MAX_CHARS.to_string() placeholder=DEFAULT_QUESTION
                        prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))></textarea>
                </div>
                {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
                {move || saved.get().then(|| view! { <p role="status">{t!(i18n, csat_saved)}</p> })}
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, csat_save)}</button>
            </form>
        </details>
    }
}
