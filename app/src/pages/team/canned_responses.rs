//! Canned responses for the whole account: the list with removal, and the form that
//! adds one (its short code is what agents type after `/`).
use leptos::prelude::*;

use crate::canned::{list_canned, remove_canned, save_canned};
use crate::error::AppError;
use crate::i18n::*;

#[component]
pub(super) fn CannedSection(refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(items) = list_canned().await {
                list.set(items);
            }
        });
    };
    // Effects run only in the browser (no task spawning while rendering on the server).
    Effect::new(move |_| load());
    let code = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, t) = (code.get_untracked(), content.get_untracked());
        leptos::task::spawn_local(async move {
            let result = save_canned(None, c, t).await.map(|_| ());
            if result.is_ok() {
                code.set(String::new());
                content.set(String::new());
                load();
            }
            refresh.run(result);
        });
    };
    view! {
        <section class="contact-form" aria-labelledby="canned-title">
            <h2 id="canned-title">{t!(i18n, canned_title)}</h2>
            <p class="muted">{t!(i18n, canned_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, canned_empty)}</p>
            </Show>
            <ul class="canned-list">
                <For each=move || list.get() key=|c| c.id let:c>
                    {
                        let id = c.id;
                        let label = format!("{} /{}", t_string!(i18n, canned_remove), c.short_code);
                        view! {
                            <li>
                                <strong>{format!("/{}", c.short_code)}</strong>" "
                                <span>{c.content.clone()}</span>" "
                                <button type="button" class="link" aria-label=label on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        let result = remove_canned(id).await;
                                        load();
                                        refresh.run(result);
                                    });
                                }>{t!(i18n, canned_remove)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="canned-code">{t!(i18n, canned_code)}</label>
                    <input id="canned-code" type="text" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="canned-content">{t!(i18n, canned_content)}</label>
                    <textarea id="canned-content" rows="3" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                </div>
                <div class="form-actions">
                    <button type="submit" class="primary">{t!(i18n, canned_add)}</button>
                </div>
            </form>
        </section>
    }
}
