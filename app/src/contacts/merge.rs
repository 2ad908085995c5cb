//! "Fusionar con otro contacto" on a contact's page: the agent finds the contact this
//! one is a duplicate of (the same customer writing from WhatsApp and by email, say)
//! and merges this one into it; the page then shows the one that stays.
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::model::{ContactRow, ContactSort};
use super::{list_contacts, merge_contact};
use crate::domain::ContactQuery;
use crate::i18n::*;
use crate::ui::error_text;

/// How many matches are offered; typing more narrows them.
const SHOWN: usize = 8;
/// As the contact list's search box.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

fn described(c: &ContactRow) -> String {
    let detail = c
        .email
        .clone()
        .or_else(|| c.phone.clone())
        .unwrap_or_default();
    if detail.is_empty() {
        c.display_name().to_owned()
    } else {
        format!("{} · {detail}", c.display_name())
    }
}

#[component]
pub fn MergeContact(contact_id: i64, name: String, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    // What is searched: `typed` once it has rested, as the contact list debounces.
    let query = RwSignal::new(String::new());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let chosen = RwSignal::new(None::<(i64, String)>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        chosen.set(None);
        typed.set(value.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || query.set(value), SEARCH_DEBOUNCE).ok();
        pending.set_value(handle);
    };
    let found = Resource::new(
        move || query.get(),
        move |query| async move {
            // Two letters at least, and something the search can use (not "--").
            if query.trim().chars().count() < 2 || ContactQuery::parse(&query).is_none() {
                return Ok(None);
            }
            list_contacts(query, ContactSort::default(), None)
                .await
                .map(|page| {
                    Some(
                        page.items
                            .into_iter()
                            .filter(|c| c.id != contact_id)
                            .take(SHOWN)
                            .collect::<Vec<_>>(),
                    )
                })
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((into, _)) = chosen.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match merge_contact(contact_id, into).await {
                Ok(into) => navigate(&format!("/contacts/{into}"), Default::default()),
                Err(err) => {
                    failure.set(Some(error_text(i18n, &err)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="merge-contact stack" on:submit=submit aria-labelledby="merge-title">
            <h2 id="merge-title">{t!(i18n, contact_merge_title)}</h2>
            <p id="merge-explain">{t!(i18n, contact_merge_explain, name = name.clone())}</p>
            <label for="merge-search">{t!(i18n, contact_merge_search)}</label>
            <input id="merge-search" type="search" autocomplete="off"
                prop:value=move || typed.get() on:input=on_input />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match found.await {
                        // Nothing searched yet.
                        Ok(None) => ().into_any(),
                        Ok(Some(rows)) if rows.is_empty() => view! {
                            <p role="status" class="muted">{t!(i18n, contact_merge_none)}</p>
                        }.into_any(),
                        Ok(Some(rows)) => view! {
                            <fieldset class="merge-choices">
                                <legend>{t!(i18n, contact_merge_pick)}</legend>
                                {rows.into_iter().map(|c| {
                                    let (id, text) = (c.id, described(&c));
                                    let shown = text.clone();
                                    view! {
                                        <label class="choice">
                                            <input type="radio" name="merge-into" value=id.to_string()
                                                prop:checked=move || chosen.with(|ch| ch.as_ref().map(|(i, _)| *i) == Some(id))
                                                on:change=move |_| chosen.set(Some((id, text.clone()))) />
                                            {shown}
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                        }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
            <p role="alert" class="error">{move || failure.get()}</p>
            <div class="form-actions">
                <button type="submit" class="danger" aria-describedby="merge-explain"
                    disabled=move || chosen.with(Option::is_none) || busy.get()>
                    {move || match chosen.get() {
                        Some((_, text)) => t_string!(i18n, contact_merge_into, name = text).to_string(),
                        None => t_string!(i18n, contact_merge_confirm).to_string(),
                    }}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}
