//! The search box beside the navigation: as the agent types (debounced) it shows a
//! few conversations (by number), contacts and messages, grouped; Enter opens the
//! search page with every message. `/` focuses it from anywhere but a field being
//! typed in (Ctrl+K opens the command palette, which searches too).
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::model::{terms, QuickResults};
#[cfg(feature = "hydrate")]
use super::quick_search;
use super::Hits;
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// Milliseconds after the last keystroke before asking the server.
#[cfg(feature = "hydrate")]
const DEBOUNCE_MS: u32 = 250;

#[component]
pub fn SearchBox() -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let results = RwSignal::new(None::<QuickResults>);
    let open = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let asked = StoredValue::new(0_u64);
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        if value.trim().is_empty() {
            results.set(None);
            open.set(false);
            return;
        }
        open.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(DEBOUNCE_MS).await;
            if asked.get_value() != ticket {
                return;
            }
            let found = quick_search(value).await.unwrap_or_default();
            // A later keystroke's answer wins, whichever arrives first.
            if asked.get_value() == ticket {
                results.set(Some(found));
            }
        });
    };
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        open.set(false);
        navigate(&super::search_url(&q), Default::default());
    };
    focus_on_shortcut(input);
    let close = move || open.set(false);
    view! {
        <form
            role="search"
            class="search-box"
            action="/search"
            method="get"
            aria-label=move || t_string!(i18n, search_label)
            on:submit=on_submit
            on:keydown=move |ev| {
                match ev.key().as_str() {
                    "Escape" => close(),
                    "ArrowDown" => step_focus(&ev, 1),
                    "ArrowUp" => step_focus(&ev, -1),
                    _ => {}
                }
            }
        >
            <label for="search-input" class="visually-hidden">{t!(i18n, search_label)}</label>
            <input
                id="search-input"
                node_ref=input
                type="search"
                name="q"
                autocomplete="off"
                placeholder=move || t_string!(i18n, search_placeholder)
                aria-controls="search-quick"
                prop:value=move || text.get()
                on:input=on_input
            />
            <div id="search-quick" class="search-quick" hidden=move || !open.get() on:click=move |_| close()>
                {move || match results.get() {
                    None => view! { <p class="muted">{t!(i18n, search_searching)}</p> }.into_any(),
                    Some(found) => quick_view(i18n, found, text.get_untracked()).into_any(),
                }}
            </div>
        </form>
    }
}

fn quick_view(i18n: I18nContext<Locale>, found: QuickResults, q: String) -> impl IntoView {
    let nothing =
        found.conversations.is_empty() && found.contacts.is_empty() && found.messages.is_empty();
    let searchable = !terms(&q).is_empty();
    view! {
        {nothing.then(|| view! { <p class="muted">{t!(i18n, search_nothing)}</p> })}
        {(!found.conversations.is_empty()).then(|| view! {
            <section aria-labelledby="search-quick-conversations">
                <h2 id="search-quick-conversations">{t!(i18n, search_conversations)}</h2>
                <ul>
                    {found.conversations.into_iter().map(|c| view! {
                        <li><a href=format!("/conversations/{}", c.id)>{format!("#{} · {}", c.display_id, c.contact_name)}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!found.contacts.is_empty()).then(|| view! {
            <section aria-labelledby="search-quick-contacts">
                <h2 id="search-quick-contacts">{t!(i18n, search_contacts)}</h2>
                <ul>
                    {found.contacts.into_iter().map(|c| view! {
                        <li><a href=format!("/contacts/{}", c.id)>{c.display_name().to_owned()}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!found.messages.is_empty()).then(|| view! {
            <section aria-labelledby="search-quick-messages">
                <h2 id="search-quick-messages">{t!(i18n, search_messages)}</h2>
                <Hits hits=found.messages />
            </section>
        })}
        {searchable.then(|| view! {
            <a class="search-all" href=super::search_url(&q)>{t!(i18n, search_all_messages)}</a>
        })}
    }
}

/// Arrow keys walk from the box through the quick results' links and back: the box,
/// then each link in order (Tab reaches them too).
fn step_focus(ev: &leptos::ev::KeyboardEvent, by: i32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(links) = doc.query_selector_all("#search-input, #search-quick:not([hidden]) a")
        else {
            return;
        };
        let items: Vec<web_sys::HtmlElement> = (0..links.length())
            .filter_map(|i| links.item(i)?.dyn_into().ok())
            .collect();
        if items.len() < 2 {
            return;
        }
        let active = doc.active_element();
        let at = items.iter().position(|el| {
            active
                .as_ref()
                .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
        });
        let Some(at) = at else { return };
        let next = (at as i32 + by).clamp(0, items.len() as i32 - 1) as usize;
        if next != at {
            ev.prevent_default();
            let _ = items[next].focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, by);
}

/// `/` (outside a field) puts the cursor in the search box.
fn focus_on_shortcut(input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.is_content_editable()
                });
            let slash = ev.key() == "/" && !typing && !ev.ctrl_key() && !ev.meta_key();
            if slash {
                if let Some(el) = input.get_untracked() {
                    ev.prevent_default();
                    let _ = el.focus();
                    el.select();
                }
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = input;
}
