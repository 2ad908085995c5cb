//! The bell's server functions: the latest notifications, and marking them read.
use super::model::NotificationView;
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
