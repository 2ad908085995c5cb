//! Per-inbox settings beside each channel's own form: what a customer's message does
//! to a resolved conversation (every inbox), and the identity secret host sites sign
//! their users with (web chat).
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{
    inbox_assignment, inbox_routing, save_inbox_assignment, save_inbox_routing,
    web_chat_identity_secret,
};
use crate::ui::error_text;

/// "Reopen the resolved conversation" switch, saved as it changes.
#[component]
pub fn InboxRoutingSwitch(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let reopen = RwSignal::new(false);
    // Off until the saved value is in: a click on the placeholder would save the
    // opposite of what the agent sees once it arrives.
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(value) = inbox_routing(inbox_id).await {
                reopen.set(value);
                loaded.set(true);
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
            <input id=id.clone() type="checkbox" prop:checked=move || reopen.get() disabled=move || !loaded.get() on:change=change />
            <label for=id>{t!(i18n, inbox_reopen_resolved)}</label>
            {move || failure.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </div>
    }
}

/// Automatic assignment: the switch and the limit of open conversations per agent,
/// saved together.
#[component]
pub fn InboxAssignment(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(false);
    let limit = RwSignal::new(String::from("0"));
    // As the routing switch: nothing to save until the saved values are in.
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok((on, max)) = inbox_assignment(inbox_id).await {
                enabled.set(on);
                limit.set(max.to_string());
                loaded.set(true);
            }
        });
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(max) = limit.get_untracked().trim().parse::<i64>() else {
            failure.set(Some(AppError::validation("limit", "invalid")));
            return;
        };
        let on = enabled.get_untracked();
        leptos::task::spawn_local(async move {
            match save_inbox_assignment(inbox_id, on, max).await {
                Ok(()) => {
                    failure.set(None);
                    saved.set(true);
                }
                Err(err) => {
                    saved.set(false);
                    failure.set(Some(err));
                }
            }
        });
    };
    let switch_id = format!("inbox-{inbox_id}-auto-assign");
    let limit_id = format!("inbox-{inbox_id}-auto-assign-limit");
    view! {
        <form class="inbox-assignment" on:submit=save>
            <div class="field checkbox">
                <input id=switch_id.clone() type="checkbox" prop:checked=move || enabled.get()
                    disabled=move || !loaded.get() on:change=move |ev| { saved.set(false); enabled.set(event_target_checked(&ev)) } />
                <label for=switch_id>{t!(i18n, inbox_auto_assign)}</label>
            </div>
            <div class="field">
                <label for=limit_id.clone()>{t!(i18n, inbox_auto_assign_limit)}</label>
                <input id=limit_id type="number" min="0" max="1000" inputmode="numeric"
                    prop:value=move || limit.get() on:input=move |ev| { saved.set(false); limit.set(event_target_value(&ev)) } />
            </div>
            <div class="form-actions">
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, inbox_auto_assign_save)}</button>
            </div>
            <p role="status" class="muted">{move || saved.get().then(|| t_string!(i18n, inbox_auto_assign_saved))}</p>
            {move || failure.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </form>
    }
}

/// The web-chat inbox's identity secret: hidden until asked for, regenerable.
#[component]
pub fn IdentitySecret(
    inbox_id: i64,
    /// An API inbox: the Client API's `identifier_hash`, not the widget's attributes.
    #[prop(optional)]
    api: bool,
) -> impl IntoView {
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
            <p class="hint muted">
                {move || if api {
                    t_string!(i18n, api_inbox_identity_help)
                } else {
                    t_string!(i18n, web_chat_identity_help)
                }}
            </p>
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
