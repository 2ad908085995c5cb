//! The conversation menu's macros: the ones the agent may run (fetched when she opens
//! the list), each a button that runs it here, whole or not at all.
use leptos::prelude::*;

use crate::automation::macros::{list_macros, run_macro, Macro};
use crate::conversations::model::ConversationSummary;
use crate::error::AppError;
use crate::i18n::*;

#[component]
pub(super) fn MacroMenu(
    conversation_id: i64,
    summary: RwSignal<ConversationSummary>,
    action_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let macros = RwSignal::new(None::<Vec<Macro>>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
        if open {
            leptos::task::spawn_local(async move {
                match list_macros().await {
                    Ok(list) => macros.set(Some(list)),
                    Err(err) => action_error.set(Some(err)),
                }
            });
        }
    };
    let run = move |id: i64, name: String| {
        busy.set(true);
        done.set(None);
        leptos::task::spawn_local(async move {
            let result = run_macro(id, conversation_id).await;
            busy.set(false);
            match result {
                Ok(updated) => {
                    summary.set(updated);
                    action_error.set(None);
                    done.set(Some(name));
                }
                Err(err) => action_error.set(Some(err)),
            }
        });
    };
    view! {
        <details class="macro-picker" on:toggle=on_toggle>
            <summary>{t!(i18n, macros_title)}</summary>
            <div class="macro-options">
                {move || match macros.get() {
                    None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! {
                        <p class="muted">{t!(i18n, macros_none)} " " <a href="/settings/macros">{t!(i18n, macros_link)}</a></p>
                    }.into_any(),
                    Some(list) => list.into_iter().map(|m| {
                        let (id, name) = (m.id, m.name.clone());
                        let label = t_string!(i18n, macro_run, name = m.name.clone()).to_string();
                        view! {
                            <button type="button" class="secondary" aria-label=label disabled=move || busy.get()
                                on:click=move |_| run(id, name.clone())>{m.name}</button>
                        }
                    }).collect_view().into_any(),
                }}
                <p role="status" class="muted">
                    {move || done.get().map(|name| t_string!(i18n, macro_ran_status, name = name).to_string())}
                </p>
            </div>
        </details>
    }
}
