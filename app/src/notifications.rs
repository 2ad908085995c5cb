//! Agent notifications (for now: being mentioned in a private note), with a bell
//! showing the unread count, pushed live.
mod bell;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use bell::{NotificationBell, Notifications};

use crate::domain::Millis;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub conversation_id: i64,
    pub display_id: i64,
    pub actor_name: Option<String>,
    pub preview: String,
    pub created_at: Millis,
    pub read: bool,
}

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
