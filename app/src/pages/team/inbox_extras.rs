//! Per-inbox settings beside each channel's own form: what a customer's message does
//! to a resolved conversation (every inbox), and the identity secret host sites sign
//! their users with (web chat).
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{inbox_routing, save_inbox_routing, web_chat_identity_secret};
use crate::ui::error_text;

/// "Reopen the resolved conversation" switch, saved as it changes.
#[component]
pub fn InboxRoutingSwitch(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let reopen = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(value) = inbox_routing(inbox_id).await {
                reopen.set(value);
            }
        });
    });
    let change = move |ev: leptos::ev::Event| {
        let value = event_target_checked(&ev);
        leptos::task::spawn_local(async move {
            match save_inbox_routing(inbox_id, value).await {
                Ok(()) => {
                    reopen.set(value);
                    failure.set(None);
                }
                Err(err) => {
                    reopen.set(!value);
                    failure.set(Some(err));
                }
            }
        });
    };
    let id = format!("inbox-{inbox_id}-reopen");
    view! {
        <div class="field checkbox">
            <input id=id.clone() type="checkbox" prop:checked=move || reopen.get() on:change=change />
            <label for=id>{t!(i18n, inbox_reopen_resolved)}</label>
            {move || failure.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </div>
    }
}

/// The web-chat inbox's identity secret: hidden until asked for, regenerable.
#[component]
pub fn IdentitySecret(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let secret = RwSignal::new(None::<String>);
    let notice = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let fetch = move |regenerate: bool| {
        leptos::task::spawn_local(async move {
            match web_chat_identity_secret(inbox_id, regenerate).await {
                Ok(value) => {
                    secret.set(Some(value));
                    notice.set(regenerate);
                    failure.set(None);
                }
                Err(err) => failure.set(Some(err)),
            }
        });
    };
    let id = format!("webchat-{inbox_id}-identity");
    view! {
        <fieldset class="identity-secret">
            <legend>{t!(i18n, web_chat_identity)}</legend>
            <p class="hint muted">{t!(i18n, web_chat_identity_help)}</p>
            {move || secret.get().map(|value| view! {
                <label for=id.clone()>{t!(i18n, web_chat_identity_secret)}</label>
                <input id=id.clone() type="text" readonly prop:value=value class="mono" />
            })}
            {move || notice.get().then(|| view! { <p role="status">{t!(i18n, web_chat_identity_regenerated)}</p> })}
            {move || failure.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
            <div class="form-actions">
                {move || secret.with(Option::is_none).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| fetch(false)>{t!(i18n, web_chat_identity_show)}</button>
                })}
                <button type="button" class="secondary" on:click=move |_| fetch(true)>{t!(i18n, web_chat_identity_regenerate)}</button>
            </div>
        </fieldset>
    }
}
