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
    by_public_token(db, token, crate::domain::ChannelKind::WebChat).await
}

/// The inbox of `channel` a public token names: a web chat's widget token, an API
/// inbox's Client API identifier (another kind's token names nothing).
pub async fn by_public_token(
    db: &Db,
    token: &str,
    channel: crate::domain::ChannelKind,
) -> Result<WidgetInbox, AppError> {
    let row = sqlx::query(
        "SELECT id, account_id, name, settings FROM inboxes WHERE web_token = $1 AND channel_kind = $2",
    )
    .bind(token)
    .bind(channel.as_str())
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let settings: String = row.try_get("settings")?;
    Ok(WidgetInbox {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        settings: serde_json::from_str(&settings).unwrap_or_default(),
        channel,
    })
}
