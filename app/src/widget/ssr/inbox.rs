//! The web-chat inbox a widget belongs to, found by the public token every embedding
//! page carries.
use sqlx::Row;

use crate::db::Db;
use crate::error::AppError;

/// A web-chat inbox found by its public token.
#[derive(Debug, Clone)]
pub struct WidgetInbox {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub settings: serde_json::Value,
    /// Web chat, or API for the Client API's customers.
    pub channel: crate::domain::ChannelKind,
}

pub async fn inbox_by_token(db: &Db, token: &str) -> Result<WidgetInbox, AppError> {
    let row = sqlx::query(
        "SELECT id, account_id, name, settings FROM inboxes WHERE web_token = $1 AND channel_kind = 'web_chat'",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let settings: String = row.try_get("settings")?;
    Ok(WidgetInbox {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        settings: serde_json::from_str(&settings).unwrap_or_default(),
        channel: crate::domain::ChannelKind::WebChat,
    })
}
