//! Inboxes as agents see them in Ajustes (for now: the web chat embed code).
#[cfg(feature = "ssr")]
pub mod settings;

use crate::domain::ChannelKind;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub id: i64,
    pub name: String,
    pub channel: ChannelKind,
    /// Public token of a web-chat inbox (it is in every page that embeds the widget).
    pub web_token: Option<String>,
}

/// The inboxes the signed-in agent works (administrators: all of the account).
#[server(endpoint = "inboxes", output = crate::wire::Json)]
pub async fn my_inboxes() -> Result<Vec<InboxView>, AppError> {
    use sqlx::Row;
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            let rows = sqlx::query(
                "SELECT i.id, i.name, i.channel_kind, i.web_token FROM inboxes i WHERE i.account_id = $1 \
                 AND ($2 = 1 OR i.id IN (SELECT inbox_id FROM inbox_members WHERE agent_id = $3)) ORDER BY i.name, i.id",
            )
            .bind(session.agent.account_id)
            .bind(session.agent.role.is_admin() as i64)
            .bind(session.agent.id)
            .fetch_all(&state.db.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let kind: String = r.try_get("channel_kind")?;
                    Ok(InboxView {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        channel: ChannelKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(kind.into()))?,
                        web_token: r.try_get("web_token")?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()
                .map_err(AppError::from)
        }
        .await,
    )
}
