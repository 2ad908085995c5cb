//! Mi perfil > Token de acceso: the token in a read-only field, a copy button, and
//! regenerate (asked twice: integrations using the old one stop at once).
use leptos::prelude::*;

use super::{access_token, regenerate_access_token};
use crate::i18n::*;
use crate::ui::clipboard::{copy_text, select_all};
use crate::ui::error_text;

#[component]
pub fn AccessTokenSettings() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| access_token());
    view! {
        <section class="contact-form stack" aria-labelledby="token-title">
            <h2 id="token-title">{t!(i18n, token_title)}</h2>
            <p class="hint">{t!(i18n, token_hint)}</p>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <TokenField token=view.token /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Copied,
    CopyFailed,
    Regenerated,
    Failed(String),
}

#[component]
fn TokenField(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let token = RwSignal::new(token);
    let outcome = RwSignal::new(None::<Outcome>);
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let copy = move |_| {
        let text = token.get_untracked();
        leptos::task::spawn_local(async move {
            outcome.set(Some(if copy_text(&text).await {
                Outcome::Copied
            } else {
                Outcome::CopyFailed
            }));
        });
    };
    let regenerate = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match regenerate_access_token().await {
                Ok(view) => {
                    token.set(view.token);
                    outcome.set(Some(Outcome::Regenerated));
                }
                Err(err) => outcome.set(Some(Outcome::Failed(error_text(i18n, &err)))),
            }
            confirming.set(false);
            busy.set(false);
        });
    };
    let status = move || match outcome.get() {
        Some(Outcome::Copied) => Some(t_string!(i18n, token_copied).to_string()),
        Some(Outcome::Regenerated) => Some(t_string!(i18n, token_regenerated).to_string()),
        _ => None,
    };
    let alert = move || match outcome.get() {
        Some(Outcome::CopyFailed) => Some(t_string!(i18n, token_copy_failed).to_string()),
        Some(Outcome::Failed(text)) => Some(text),
        _ => None,
    };
    view! {
        <div class="field">
            <label for="access-token">{t!(i18n, token_label)}</label>
            <input id="access-token" type="text" readonly spellcheck="false" autocomplete="off"
                class="mono" prop:value=move || token.get()
                on:focus=move |ev| select_all(&ev) />
        </div>
        <p role="status">{status}</p>
        <p role="alert" class="error">{alert}</p>
        <div class="form-actions">
            <button type="button" on:click=copy>{t!(i18n, token_copy)}</button>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" on:click=move |_| confirming.set(true)>{t!(i18n, token_regenerate)}</button>
                }
            >
                <p class="hint">{t!(i18n, token_regenerate_warning)}</p>
                <button type="button" class="danger" disabled=move || busy.get() on:click=regenerate>
                    {t!(i18n, token_regenerate_confirm)}
                </button>
                <button type="button" on:click=move |_| confirming.set(false)>{t!(i18n, cancel)}</button>
            </Show>
        </div>
    }
}
