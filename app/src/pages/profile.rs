//! Ajustes > Mi perfil: name, display name, avatar, signature, language, how
//! notifications reach her, her API access token, and the password (the current one required; other sessions end). Availability is in the
//! account panel, where teammates' changes show live.
use leptos::prelude::*;

use crate::agents::profile::{change_password, get_profile, save_profile, ProfileView};
use crate::error::AppError;
use crate::i18n::*;
use crate::notifications::settings::NotificationSettings;
use crate::ui::error_text;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_profile());
    view! {
        <h1>{t!(i18n, profile_title)}</h1>
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(profile) => view! { <ProfileForm profile /><NotificationSettings /><crate::auth::access_token::AccessTokenSettings /><PasswordForm /> }.into_any(),
                    Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn message(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { field, code } if field == "current" && code == "invalid" => {
            t_string!(i18n, profile_wrong_password).to_string()
        }
        AppError::Validation { code, .. } if code == "too_short" => {
            t_string!(i18n, password_too_short).to_string()
        }
        AppError::Validation { field, .. } if field == "avatar_url" => {
            t_string!(i18n, profile_avatar_invalid).to_string()
        }
        other => error_text(i18n, other),
    }
}

#[component]
fn ProfileForm(profile: ProfileView) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(profile.name);
    let display_name = RwSignal::new(profile.display_name);
    let avatar_url = RwSignal::new(profile.avatar_url);
    let signature = RwSignal::new(profile.signature);
    let locale = RwSignal::new(profile.locale);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let view = ProfileView {
            name: name.get_untracked(),
            display_name: display_name.get_untracked(),
            avatar_url: avatar_url.get_untracked(),
            signature: signature.get_untracked(),
            locale: locale.get_untracked(),
        };
        if let Err((field, code)) = view.check() {
            outcome.set(Some(Err(message(i18n, &AppError::validation(field, code)))));
            return;
        }
        leptos::task::spawn_local(async move {
            let chosen = view.locale.clone();
            match save_profile(view).await {
                Ok(()) => {
                    match chosen.as_str() {
                        "es" => i18n.set_locale(Locale::es),
                        "en" => i18n.set_locale(Locale::en),
                        _ => {}
                    }
                    outcome.set(Some(Ok(())));
                }
                Err(err) => outcome.set(Some(Err(message(i18n, &err)))),
            }
        });
    };
    let text_field = |id: &'static str,
                      label: String,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="profile-form-title">
            <h2 id="profile-form-title">{t!(i18n, profile_details)}</h2>
            {text_field("profile-name", t_string!(i18n, contact_name).to_string(), name, "text")}
            {text_field("profile-display", t_string!(i18n, profile_display_name).to_string(), display_name, "text")}
            {text_field("profile-avatar", t_string!(i18n, profile_avatar).to_string(), avatar_url, "url")}
            <div class="field">
                <label for="profile-signature">{t!(i18n, profile_signature)}</label>
                <textarea id="profile-signature" rows="3" prop:value=move || signature.get()
                    on:input=move |ev| signature.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="profile-locale">{t!(i18n, profile_language)}</label>
                <select id="profile-locale" prop:value=move || locale.get() on:change=move |ev| locale.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, profile_language_browser)}</option>
                    <option value="es">"Español"</option>
                    <option value="en">"English"</option>
                </select>
            </div>
            <crate::ui::theme::ThemeSelect />
            <p role="status">{move || matches!(outcome.get(), Some(Ok(()))).then(|| t_string!(i18n, profile_saved))}</p>
            <p role="alert" class="error">{move || outcome.get().and_then(|o| o.err())}</p>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, profile_save)}</button>
            </div>
        </form>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (current.get_untracked(), new.get_untracked());
        if let Err(code) = crate::domain::check_password(&n) {
            outcome.set(Some(Err(message(i18n, &AppError::validation("new", code)))));
            return;
        }
        leptos::task::spawn_local(async move {
            match change_password(c, n).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    outcome.set(Some(Ok(())));
                }
                Err(err) => outcome.set(Some(Err(message(i18n, &err)))),
            }
        });
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="password-title">
            <h2 id="password-title">{t!(i18n, profile_password)}</h2>
            <div class="field">
                <label for="password-current">{t!(i18n, profile_current_password)}</label>
                <input id="password-current" type="password" autocomplete="current-password"
                    prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="password-new">{t!(i18n, profile_new_password)}</label>
                <input id="password-new" type="password" autocomplete="new-password"
                    prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev)) />
            </div>
            <p role="status">{move || matches!(outcome.get(), Some(Ok(()))).then(|| t_string!(i18n, profile_password_changed))}</p>
            <p role="alert" class="error">{move || outcome.get().and_then(|o| o.err())}</p>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, profile_change_password)}</button>
            </div>
        </form>
    }
}
