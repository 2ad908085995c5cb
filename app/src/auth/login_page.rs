//! The sign-in page.
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::Login;
use crate::i18n::*;
use crate::ui::{error_text, LanguageSwitch};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let pending = login.pending();
    let error = move || login.value().get().and_then(Result::err);
    view! {
        <main class="login">
            <div class="login-card">
                <h1>{t!(i18n, sign_in_title)}</h1>
                <p class="muted">{t!(i18n, sign_in_subtitle)}</p>
                <ActionForm action=login attr:class="stack">
                    <label for="login-email">{t!(i18n, email_label)}</label>
                    <input id="login-email" type="email" name="email" autocomplete="username" required />
                    <label for="login-password">{t!(i18n, password_label)}</label>
                    <input
                        id="login-password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                    />
                    {move || error().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                    <button type="submit" class="primary" disabled=pending>
                        {move || {
                            if pending.get() { t_string!(i18n, signing_in) } else { t_string!(i18n, sign_in) }
                        }}
                    </button>
                </ActionForm>
                <LanguageSwitch />
            </div>
        </main>
    }
}
