//! A web-chat inbox's settings form.
use leptos::prelude::*;

use super::texts::refusal;
use crate::domain::web_chat::WebChatSettings;
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{save_web_chat, web_chat_settings};

/// Colour, greeting and the sites allowed to embed a web-chat inbox's widget.
#[component]
pub(super) fn WebChatForm(inbox_id: i64, refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let colour = RwSignal::new(String::new());
    let greeting = RwSignal::new(String::new());
    let origins = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    // The fields stay disabled until the stored settings are in them: what an
    // administrator typed earlier would be overwritten when they arrive.
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match web_chat_settings(inbox_id).await {
                Ok(s) => {
                    colour.set(s.colour);
                    greeting.set(s.greeting);
                    origins.set(s.allowed_origins.join("\n"));
                    loaded.set(true);
                }
                // Left disabled: saving would overwrite what is stored with blanks.
                Err(err) => failure.set(Some(refusal(i18n, &err))),
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = WebChatSettings {
            colour: colour.get_untracked(),
            greeting: greeting.get_untracked(),
            allowed_origins: origins.get_untracked().lines().map(str::to_owned).collect(),
        };
        if let Err((field, code)) = settings.checked() {
            failure.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        failure.set(None);
        leptos::task::spawn_local(async move {
            refresh.run(save_web_chat(inbox_id, settings).await);
        });
    };
    let id = |name: &str| format!("webchat-{inbox_id}-{name}");
    view! {
        <form class="stack web-chat-settings" on:submit=submit>
            <div class="field">
                <label for=id("colour")>{t!(i18n, webchat_colour)}</label>
                <input id=id("colour") type="color" prop:value=move || colour.get() disabled=move || !loaded.get() on:input=move |ev| colour.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=id("greeting")>{t!(i18n, webchat_greeting)}</label>
                <input id=id("greeting") type="text" prop:value=move || greeting.get() disabled=move || !loaded.get() on:input=move |ev| greeting.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=id("origins")>{t!(i18n, webchat_origins)}</label>
                <textarea id=id("origins") rows="3" prop:value=move || origins.get() disabled=move || !loaded.get() on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
                <p class="hint muted">{t!(i18n, webchat_origins_hint)}</p>
            </div>
            <p role="alert" class="error">{move || failure.get()}</p>
            <div class="form-actions">
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, webchat_save)}</button>
            </div>
        </form>
    }
}
