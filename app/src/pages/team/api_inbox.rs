//! An API inbox's card: the identifier integrations use with the Client API, the URL
//! its events are sent to, and the secret that signs them.
use leptos::prelude::*;

use super::texts::refusal;
use crate::chatwoot::api_inbox::{load_api_inbox, save_api_inbox};
use crate::domain::api_inbox::ApiInboxSettings;
use crate::error::AppError;
use crate::i18n::*;

#[component]
pub(super) fn ApiInboxForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let identifier = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let mandatory = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    // The fields stay disabled until the stored settings are in them: what an
    // administrator typed earlier would be overwritten when they arrive.
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match load_api_inbox(inbox_id).await {
                Ok(s) => {
                    identifier.set(s.identifier);
                    url.set(s.webhook_url);
                    secret.set(s.secret);
                    mandatory.set(s.hmac_mandatory);
                    loaded.set(true);
                }
                // Left disabled: saving would overwrite what is stored with blanks.
                Err(err) => failure.set(Some(refusal(i18n, &err))),
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let settings = ApiInboxSettings {
            identifier: identifier.get_untracked(),
            webhook_url: url.get_untracked(),
            secret: String::new(),
            hmac_mandatory: mandatory.get_untracked(),
        };
        if let Err((field, code)) = settings.checked_url() {
            failure.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_api_inbox(inbox_id, settings).await {
                Ok(stored) => {
                    failure.set(None);
                    url.set(stored.webhook_url);
                    secret.set(stored.secret);
                    saved.set(true);
                }
                Err(err) => failure.set(Some(refusal(i18n, &err))),
            }
        });
    };
    let id = move |name: &str| format!("api-inbox-{inbox_id}-{name}");
    view! {
        <form class="stack api-inbox-settings" on:submit=submit>
            <div class="field">
                <label for=id("identifier")>{t!(i18n, api_inbox_identifier)}</label>
                <input id=id("identifier") type="text" readonly class="mono" spellcheck="false"
                    prop:value=move || identifier.get() />
                <p class="hint muted">{t!(i18n, api_inbox_identifier_hint)}</p>
            </div>
            <div class="field">
                <label for=id("url")>{t!(i18n, api_inbox_url)}</label>
                <input id=id("url") type="url" inputmode="url" placeholder="https://"
                    prop:value=move || url.get() disabled=move || !loaded.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                <p class="hint muted">{t!(i18n, api_inbox_url_hint)}</p>
            </div>
            <Show when=move || !secret.get().is_empty()>
                <div class="field">
                    <label for=id("secret")>{t!(i18n, api_inbox_secret)}</label>
                    <input id=id("secret") type="text" readonly class="mono" spellcheck="false"
                        prop:value=move || secret.get() />
                    <p class="hint muted">{t!(i18n, api_inbox_secret_hint)}</p>
                </div>
            </Show>
            <div class="field checkbox">
                <input id=id("mandatory") type="checkbox" prop:checked=move || mandatory.get() disabled=move || !loaded.get()
                    on:change=move |ev| mandatory.set(event_target_checked(&ev)) />
                <label for=id("mandatory")>{t!(i18n, api_inbox_mandatory)}</label>
            </div>
            <p role="alert" class="error">{move || failure.get()}</p>
            <p role="status">{move || saved.get().then(|| t_string!(i18n, api_inbox_saved))}</p>
            <div class="form-actions">
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, api_inbox_save)}</button>
            </div>
        </form>
    }
}
