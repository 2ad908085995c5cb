//! The page an invited agent opens from her link (`/invitation/{token}`): she chooses
//! her password (twice) and is signed in. A link used, replaced or expired says so and
//! changes nothing.
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{error_text, LanguageSwitch};

/// Who a good link is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedAgent {
    pub name: String,
    pub email: String,
}

/// Who the link is for; `None` when it is no good (used, replaced, expired, unknown).
/// Not an error: the page renders either way, with the same status.
#[server(endpoint = "invitation/show", output = crate::wire::Json)]
pub async fn read_invitation(token: String) -> Result<Option<InvitedAgent>, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            let invited = super::ssr::invite::find(&state.db, &token).await?;
            Ok(invited.map(|invited| InvitedAgent {
                name: invited.name,
                email: invited.email,
            }))
        }
        .await,
    )
}

/// Sets her password, signs her in and goes to the inbox.
#[server(endpoint = "invitation/accept", output = crate::wire::Json)]
pub async fn accept_invitation(
    token: String,
    password: String,
    confirmation: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::auth::ssr::{session_cookie, set_cookie};
            let state = crate::state::app_state()?;
            if password != confirmation {
                return Err(AppError::validation("confirmation", "password_mismatch"));
            }
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let user_agent = crate::wire::request::user_agent(&parts.headers);
            let ttl = state.settings.session_ttl_secs;
            let token = super::ssr::invite::accept(
                &state.db,
                &token,
                &password,
                user_agent.as_deref(),
                ttl,
            )
            .await?;
            let cookie = session_cookie(&token, ttl, state.settings.secure_cookies);
            set_cookie(&cookie);
            leptos_axum::redirect("/conversations");
            Ok(())
        }
        .await,
    )
}

fn refusal(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { code, .. } if code == "invitation_invalid" => {
            t_string!(i18n, invitation_invalid).to_string()
        }
        AppError::Validation { code, .. } if code == "password_mismatch" => {
            t_string!(i18n, invitation_mismatch).to_string()
        }
        AppError::Validation { code, .. } if code == "too_short" => {
            t_string!(i18n, password_too_short).to_string()
        }
        other => error_text(i18n, other),
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invited = Resource::new(token, read_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let pending = accept.pending();
    let error = move || accept.value().get().and_then(Result::err);
    view! {
        <main class="login">
            <div class="login-card">
                <h1>{t!(i18n, invitation_title)}</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let found = invited
                            .await
                            .and_then(|agent| agent.ok_or_else(|| AppError::validation("token", "invitation_invalid")));
                        match found {
                            Ok(agent) => view! {
                                <p class="muted">{t!(i18n, invitation_intro, name = agent.name.clone(), email = agent.email.clone())}</p>
                                <ActionForm action=accept attr:class="stack">
                                    <input type="hidden" name="token" value=token />
                                    <input type="email" name="email" autocomplete="username" value=agent.email.clone() hidden readonly />
                                    <label for="invitation-password">{t!(i18n, invitation_password)}</label>
                                    <input id="invitation-password" type="password" name="password" autocomplete="new-password" minlength="8" maxlength="128" required aria-describedby="invitation-hint" />
                                    <p id="invitation-hint" class="muted">{t!(i18n, password_too_short)}</p>
                                    <label for="invitation-confirmation">{t!(i18n, invitation_confirmation)}</label>
                                    <input id="invitation-confirmation" type="password" name="confirmation" autocomplete="new-password" minlength="8" maxlength="128" required />
                                    {move || error().map(|err| view! { <p role="alert" class="error">{refusal(i18n, &err)}</p> })}
                                    <button type="submit" class="primary" disabled=pending>{t!(i18n, invitation_submit)}</button>
                                </ActionForm>
                            }.into_any(),
                            Err(err) => view! {
                                <p role="alert" class="error">{refusal(i18n, &err)}</p>
                                <p><a href="/login">{t!(i18n, sign_in)}</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
                <LanguageSwitch />
            </div>
        </main>
    }
}
