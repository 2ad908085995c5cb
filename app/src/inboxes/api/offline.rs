//! A web-chat inbox's settings for when nobody answers (issue 31): reply time, asking
//! for the visitor's email, and the email inbox that mails her unread replies.
use crate::domain::offline::OfflineSettings;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::permission::admin_session;
#[cfg(feature = "ssr")]
use crate::inboxes::ssr;

#[server(endpoint = "team/inbox_offline", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn inbox_offline(id: i64) -> Result<OfflineSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::offline::load(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_offline", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_offline(id: i64, settings: OfflineSettings) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::offline::save(&state.db, &admin, id, &settings).await
        }
        .await,
    )
}
