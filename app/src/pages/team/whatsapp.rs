//! A WhatsApp inbox's settings form: Cloud API ids, write-only secrets, the webhook
//! address to give Meta, and the template sync.
use leptos::prelude::*;

use super::texts::{connection_text, refusal};
use crate::domain::whatsapp::WhatsAppSettingsInput;
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{save_whatsapp, sync_whatsapp_templates, whatsapp_settings};

/// A WhatsApp inbox's Cloud API settings. Secrets are write-only: the form shows
/// whether each is set and keeps it when its field is left empty.
#[component]
pub(super) fn WhatsAppForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let phone_number_id = RwSignal::new(String::new());
    let business_account_id = RwSignal::new(String::new());
    let api_base_url = RwSignal::new(String::new());
    let api_version = RwSignal::new(String::new());
    let access_token = RwSignal::new(String::new());
    let app_secret = RwSignal::new(String::new());
    let verify_token = RwSignal::new(String::new());
    let stored = RwSignal::new(None::<crate::domain::whatsapp::WhatsAppSettings>);
    let feedback = RwSignal::new(None::<(bool, String)>);
    // The fields stay disabled until the stored settings are in them: what an
    // administrator typed earlier would be overwritten when they arrive.
    let loaded = RwSignal::new(false);
    let load = move || {
        leptos::task::spawn_local(async move {
            match whatsapp_settings(inbox_id).await {
                Ok(s) => {
                    phone_number_id.set(s.phone_number_id.clone());
                    business_account_id.set(s.business_account_id.clone());
                    api_base_url.set(s.api_base_url.clone());
                    api_version.set(s.api_version.clone());
                    stored.set(Some(s));
                    loaded.set(true);
                }
                // Left disabled: saving would overwrite what is stored with blanks.
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    Effect::new(move |_| load());
    let field_text = move |field: &str| match field {
        "phone_number_id" => t_string!(i18n, whatsapp_phone_number_id),
        "business_account_id" => t_string!(i18n, whatsapp_business_account_id),
        "api_base_url" => t_string!(i18n, whatsapp_api_base_url),
        "api_version" => t_string!(i18n, whatsapp_api_version),
        "access_token" => t_string!(i18n, whatsapp_access_token),
        "app_secret" => t_string!(i18n, whatsapp_app_secret),
        _ => t_string!(i18n, whatsapp_verify_token),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WhatsAppSettingsInput {
            phone_number_id: phone_number_id.get_untracked(),
            business_account_id: business_account_id.get_untracked(),
            api_base_url: api_base_url.get_untracked(),
            api_version: api_version.get_untracked(),
            access_token: access_token.get_untracked(),
            app_secret: app_secret.get_untracked(),
            verify_token: verify_token.get_untracked(),
        };
        if let Err((field, code)) = input.checked() {
            let reason = refusal(i18n, &AppError::validation(field, code));
            feedback.set(Some((false, format!("{}: {reason}", field_text(field)))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_whatsapp(inbox_id, input).await {
                Ok(()) => {
                    access_token.set(String::new());
                    app_secret.set(String::new());
                    verify_token.set(String::new());
                    feedback.set(Some((true, t_string!(i18n, whatsapp_saved).to_string())));
                    load();
                }
                Err(AppError::Validation { field, code }) => {
                    let reason = refusal(i18n, &AppError::validation(&field, &code));
                    feedback.set(Some((false, format!("{}: {reason}", field_text(&field)))));
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let sync = move |_| {
        feedback.set(None);
        leptos::task::spawn_local(async move {
            match sync_whatsapp_templates(inbox_id).await {
                Ok(count) => {
                    feedback.set(Some((
                        true,
                        t_string!(i18n, whatsapp_synced, count = count).to_string(),
                    )));
                    load();
                }
                Err(AppError::Validation { field, code }) if field == "graph" => {
                    feedback.set(Some((
                        false,
                        format!(
                            "{}: {}",
                            t_string!(i18n, whatsapp_sync_failed),
                            connection_text(i18n, &code)
                        ),
                    )));
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let id = move |name: &str| format!("whatsapp-{inbox_id}-{name}");
    let text_field = move |name: &'static str, label: String, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id(name)>{label}</label>
                <input id=id(name) type="text" autocomplete="off" prop:value=move || value.get()
                    disabled=move || !loaded.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let secret_field =
        move |name: &'static str,
              label: String,
              value: RwSignal<String>,
              is_set: fn(&crate::domain::whatsapp::WhatsAppSettings) -> bool| {
            let hint_id = id(&format!("{name}-hint"));
            view! {
                <div class="field">
                    <label for=id(name)>{label}</label>
                    <input id=id(name) type="password" autocomplete="new-password" prop:value=move || value.get()
                        disabled=move || !loaded.get()
                        aria-describedby=hint_id.clone()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                    <p id=hint_id class="hint muted">
                        {move || if stored.with(|s| s.as_ref().is_some_and(is_set)) {
                            t_string!(i18n, whatsapp_secret_set)
                        } else {
                            t_string!(i18n, whatsapp_secret_missing)
                        }}
                    </p>
                </div>
            }
        };
    let webhook_url = move || {
        let path = stored.with(|s| {
            s.as_ref()
                .map(|s| s.webhook_path.clone())
                .unwrap_or_default()
        });
        format!("{}{path}", page_origin())
    };
    view! {
        <form class="stack whatsapp-settings" on:submit=submit aria-label=move || t_string!(i18n, whatsapp_settings_title)>
            <h4>{t!(i18n, whatsapp_settings_title)}</h4>
            {text_field("phone_number_id", t_string!(i18n, whatsapp_phone_number_id).to_string(), phone_number_id)}
            {text_field("business_account_id", t_string!(i18n, whatsapp_business_account_id).to_string(), business_account_id)}
            {secret_field("access_token", t_string!(i18n, whatsapp_access_token).to_string(), access_token, |s| s.has_access_token)}
            {secret_field("app_secret", t_string!(i18n, whatsapp_app_secret).to_string(), app_secret, |s| s.has_app_secret)}
            {secret_field("verify_token", t_string!(i18n, whatsapp_verify_token).to_string(), verify_token, |s| s.has_verify_token)}
            {text_field("api_base_url", t_string!(i18n, whatsapp_api_base_url).to_string(), api_base_url)}
            {text_field("api_version", t_string!(i18n, whatsapp_api_version).to_string(), api_version)}
            <div class="field">
                <label for=id("webhook")>{t!(i18n, whatsapp_webhook_url)}</label>
                <input id=id("webhook") type="text" readonly prop:value=webhook_url />
            </div>
            <p class="muted">
                {move || stored.with(|s| s.as_ref().and_then(|s| s.templates_synced_at)).map(|at| {
                    t_string!(i18n, whatsapp_synced_at, at = crate::ui::time::short(at)).to_string()
                })}
            </p>
            <p role="status" class=move || if feedback.with(|f| f.as_ref().is_some_and(|f| f.0)) { "success" } else { "error" }>
                {move || feedback.get().map(|f| f.1)}
            </p>
            <div class="form-actions">
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, whatsapp_save)}</button>
                <button type="button" class="secondary" on:click=sync>{t!(i18n, whatsapp_sync)}</button>
            </div>
        </form>
    }
}

/// `https://charla.example.com`: where this page was loaded from (for the webhook URL).
fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .origin()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
