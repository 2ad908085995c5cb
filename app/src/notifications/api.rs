//! The bell's server functions (the latest notifications, marking them read) and Mi
//! perfil's (how each kind reaches her, push on or off in this browser).
use super::model::{KindPrefs, NotificationPrefs, NotificationView, PushSubscriptionInput};
#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in agent's latest notifications, newest first.
#[server(endpoint = "notifications", output = crate::wire::Json)]
pub async fn list_notifications() -> Result<Vec<NotificationView>, AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            ssr::list(&app_state()?.db, (&session.agent).into()).await
        }
        .await,
    )
}

/// Marks one notification read (or all of them with `None`).
#[server(endpoint = "notifications_read", output = crate::wire::Json)]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            ssr::mark_read(&app_state()?.db, session.agent.id, id).await
        }
        .await,
    )
}

/// Mi perfil: how each kind of notification reaches the signed-in agent.
#[server(endpoint = "notifications/prefs", output = crate::wire::Json)]
pub async fn get_notification_prefs() -> Result<NotificationPrefs, AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            ssr::prefs::get(&state.db, session.agent.id, state.settings.notify_email).await
        }
        .await,
    )
}

#[server(endpoint = "notifications/prefs/save", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_notification_prefs(kinds: Vec<KindPrefs>) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            ssr::prefs::save(&app_state()?.db, session.agent.id, &kinds).await
        }
        .await,
    )
}

/// This browser's push subscription, for this session.
#[server(endpoint = "notifications/push/subscribe", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn push_subscribe(subscription: PushSubscriptionInput) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            let user_agent = leptos::prelude::use_context::<http::request::Parts>()
                .and_then(|p| {
                    p.headers
                        .get(http::header::USER_AGENT)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            let policy = &state.settings.outbound;
            ssr::prefs::subscribe(&state.db, policy, &session, &subscription, &user_agent).await
        }
        .await,
    )
}

#[server(endpoint = "notifications/push/unsubscribe", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn push_unsubscribe(endpoint: String) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            ssr::prefs::unsubscribe(&app_state()?.db, session.agent.id, &endpoint).await
        }
        .await,
    )
}
