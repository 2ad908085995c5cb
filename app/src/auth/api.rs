//! Signing in and out, and the session the dashboard loads once.
use super::model::SessionInfo;
#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in agent, or `None` when the request has no live session.
#[server(endpoint = "session", output = crate::wire::Json)]
pub async fn load_session() -> Result<Option<SessionInfo>, AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let Ok(session) = current_session() else {
                return Ok(None);
            };
            let state = app_state()?;
            let last_event_id =
                crate::db::events::last_id(&state.db, session.agent.account_id).await?;
            Ok(Some(SessionInfo {
                agent: session.agent,
                last_event_id,
            }))
        }
        .await,
    )
}

/// Signs in with email and password; sets the session cookie and goes to the inbox.
#[server(endpoint = "login", output = crate::wire::Json)]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::app_state;
    with_status(
        async move {
            let state = app_state()?;
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            // A new session on every sign-in: whatever this browser had is ended (no fixation).
            if let Some(old) = ssr::session_token(&parts.headers) {
                ssr::end_session(
                    &state.db,
                    &state.hub,
                    &crate::secrets::token::token_hash(&old),
                )
                .await?;
            }
            let user_agent = crate::wire::request::user_agent(&parts.headers);
            let address = crate::wire::request::client_address(&parts, state.settings.trust_proxy);
            let token = ssr::sign_in(
                &state.db,
                ssr::SignInAttempt {
                    email: &email,
                    password: &password,
                    user_agent: user_agent.as_deref(),
                    address: address.as_deref(),
                },
                &state.settings.sign_in,
                state.settings.session_ttl_secs,
            )
            .await?;
            let cookie = ssr::session_cookie(
                &token,
                state.settings.session_ttl_secs,
                state.settings.secure_cookies,
            );
            ssr::set_cookie(&cookie);
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Ends the current session and returns to the sign-in page.
#[server(endpoint = "logout", output = crate::wire::Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let state = app_state()?;
            if let Ok(session) = current_session() {
                ssr::end_session(&state.db, &state.hub, &session.token_hash).await?;
            }
            ssr::set_cookie(&ssr::clear_cookie(state.settings.secure_cookies));
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}
