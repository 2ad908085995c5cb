//! A contact's labels on its page and in the contact list: the chips, and a menu with
//! a checkbox per label of the account (as the chat has for a conversation).
use leptos::prelude::*;

use super::set_contact_labels;
use crate::i18n::*;
use crate::labels::{list_labels, LabelCatalog, LabelChip, LabelChips};
use crate::ui::error_text;

#[component]
pub(super) fn ContactLabels(
    contact_id: i64,
    initial: Vec<i64>,
    /// The contact's name, for the menu's accessible name where many are on screen.
    #[prop(optional)]
    of: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = use_context::<LabelCatalog>().unwrap_or_else(provide_catalog);
    let ids = RwSignal::new(initial);
    let error = RwSignal::new(None);
    let toggle = move |label_id: i64, on: bool| {
        let mut next = ids.get_untracked();
        next.retain(|id| *id != label_id);
        if on {
            next.push(label_id);
        }
        leptos::task::spawn_local(async move {
            match set_contact_labels(contact_id, next).await {
                Ok(now) => {
                    ids.set(now);
                    error.set(None);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <div class="contact-labels">
            <LabelChips ids=Signal::derive(move || ids.get()) />
            <details class="label-picker">
                <summary aria-label=of.map(|name| format!("{} — {name}", t_string!(i18n, labels_title)))>{t!(i18n, labels_title)}</summary>
                <fieldset>
                    <legend class="visually-hidden">{t!(i18n, labels_title)}</legend>
                    <For each=move || catalog.0.get() key=|l| (l.id, l.name.clone(), l.color.clone()) let:label>
                        {
                            let id = label.id;
                            view! {
                                <label class="label-option">
                                    <input type="checkbox"
                                        prop:checked=move || ids.with(|ids| ids.contains(&id))
                                        on:change=move |ev| toggle(id, event_target_checked(&ev)) />
                                    <LabelChip label />
                                </label>
                            }
                        }
                    </For>
                    <Show when=move || catalog.0.with(Vec::is_empty)>
                        <p class="muted">{t!(i18n, no_labels)}</p>
                    </Show>
                </fieldset>
            </details>
            {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </div>
    }
}

/// The account's labels, fetched once in the browser for everything below (the contact
/// list's rows share one catalogue).
pub(super) fn provide_catalog() -> LabelCatalog {
    let catalog = LabelCatalog(RwSignal::new(Vec::new()));
    provide_context(catalog);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_labels().await {
                catalog.0.set(list);
            }
        });
    });
    catalog
}
