//! The one repository of an inbox's configuration: its non-secret `settings` (a JSON
//! object every channel's form and the routing options share, each changing only its
//! own keys) and its `secrets` (sealed; opened only by the channel that owns them).
//! Channels load their configuration here, administrators' forms read and save here.
use sqlx::Row;

use super::{now_ms, Db, WriteTx};
use crate::domain::ChannelKind;

pub type Settings = serde_json::Map<String, serde_json::Value>;

/// An inbox's stored configuration.
#[derive(Debug, Clone)]
pub struct StoredInbox {
    pub id: i64,
    pub account_id: i64,
    pub settings: Settings,
    /// The sealed secrets, as stored (`SecretBox::open` reads them).
    pub sealed: Option<String>,
}

impl StoredInbox {
    /// A text setting, or `default` when it is missing or empty.
    pub fn text(&self, key: &str, default: &str) -> String {
        self.settings
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .unwrap_or(default)
            .to_owned()
    }
}

/// The named part `key` of an inbox's settings (business hours, survey, offline…),
/// its default when absent or unreadable.
pub fn part<T: serde::de::DeserializeOwned + Default>(settings: &Settings, key: &str) -> T {
    settings
        .get(key)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

fn settings_of(text: &str) -> Settings {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Settings::new(),
    }
}

/// The inbox of `channel` (of `account_id`, when given); `None` for any other.
pub async fn read(
    db: &Db,
    inbox_id: i64,
    channel: ChannelKind,
    account_id: Option<i64>,
) -> Result<Option<StoredInbox>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, account_id, settings, secrets FROM inboxes \
         WHERE id = $1 AND channel_kind = $2 AND ($3 IS NULL OR account_id = $3)",
    )
    .bind(inbox_id)
    .bind(channel.as_str())
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(StoredInbox {
            id: row.try_get("id")?,
            account_id: row.try_get("account_id")?,
            settings: settings_of(&row.try_get::<String, _>("settings")?),
            sealed: row.try_get("secrets")?,
        })
    })
    .transpose()
}

/// Saves an inbox's settings and sealed secrets together.
pub async fn write(
    db: &Db,
    inbox_id: i64,
    settings: &Settings,
    sealed: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE inboxes SET settings = $1, secrets = $2, updated_at = $3 WHERE id = $4")
        .bind(serde_json::Value::Object(settings.clone()).to_string())
        .bind(sealed)
        .bind(now_ms())
        .bind(inbox_id)
        .execute(tx.conn())
        .await?;
    tx.finish().await
}

/// Applies `change` to the settings of an inbox of the account (of `channel`, when
/// given) inside `tx`; `false` for any other inbox (nothing is written).
pub async fn update_in_tx(
    tx: &mut WriteTx,
    account_id: Option<i64>,
    inbox_id: i64,
    channel: Option<ChannelKind>,
    change: impl FnOnce(&mut Settings),
) -> Result<bool, sqlx::Error> {
    let current: Option<(String, String)> = sqlx::query_as(
        "SELECT settings, channel_kind FROM inboxes WHERE id = $1 AND ($2 IS NULL OR account_id = $2)",
    )
    .bind(inbox_id)
    .bind(account_id)
    .fetch_optional(tx.conn())
    .await?;
    let Some((current, kind)) = current else {
        return Ok(false);
    };
    if channel.is_some_and(|c| c.as_str() != kind) {
        return Ok(false);
    }
    let mut json = settings_of(&current);
    change(&mut json);
    sqlx::query("UPDATE inboxes SET settings = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::Value::Object(json).to_string())
        .bind(now_ms())
        .bind(inbox_id)
        .execute(tx.conn())
        .await?;
    Ok(true)
}

/// One boolean setting of an inbox (false when unset or the inbox is gone).
pub async fn flag(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    key: &str,
) -> Result<bool, sqlx::Error> {
    let settings: Option<String> = sqlx::query_scalar("SELECT settings FROM inboxes WHERE id = $1")
        .bind(inbox_id)
        .fetch_optional(conn)
        .await?;
    Ok(settings
        .map(|s| settings_of(&s))
        .and_then(|s| s.get(key).and_then(serde_json::Value::as_bool))
        .unwrap_or(false))
}

/// One boolean setting of an inbox of the account; `None` when there is no such inbox.
pub async fn account_flag(
    db: &Db,
    account_id: i64,
    inbox_id: i64,
    key: &str,
) -> Result<Option<bool>, sqlx::Error> {
    let settings: Option<String> =
        sqlx::query_scalar("SELECT settings FROM inboxes WHERE id = $1 AND account_id = $2")
            .bind(inbox_id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(settings.map(|s| {
        settings_of(&s)
            .get(key)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }))
}

/// One whole-number setting of an inbox of the account (`None` when unset or there is
/// no such inbox).
pub async fn account_number(
    db: &Db,
    account_id: i64,
    inbox_id: i64,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let settings: Option<String> =
        sqlx::query_scalar("SELECT settings FROM inboxes WHERE id = $1 AND account_id = $2")
            .bind(inbox_id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(settings.and_then(|s| settings_of(&s).get(key).and_then(serde_json::Value::as_i64)))
}

/// Every inbox of a channel, oldest first (pollers, the template sync).
pub async fn ids_of(db: &Db, channel: ChannelKind) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = $1 ORDER BY id")
        .bind(channel.as_str())
        .fetch_all(&db.pool)
        .await
}

/// The sealed secrets of a web-chat inbox: `None` inside when none are set yet, `None`
/// outside when it is not a web-chat inbox.
pub async fn sealed_of(
    db: &Db,
    inbox_id: i64,
    channel: ChannelKind,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT secrets FROM inboxes WHERE id = $1 AND channel_kind = $2")
        .bind(inbox_id)
        .bind(channel.as_str())
        .fetch_optional(&db.pool)
        .await
}

/// Seals secrets for the first time: only the first of two concurrent writers lands.
pub async fn seal_first(
    db: &Db,
    inbox_id: i64,
    channel: ChannelKind,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE inboxes SET secrets = $1 WHERE id = $2 AND channel_kind = $3 AND secrets IS NULL",
    )
    .bind(sealed)
    .bind(inbox_id)
    .bind(channel.as_str())
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Replaces an inbox's sealed secrets; `false` when it is not an inbox of `channel`.
pub async fn reseal(
    db: &Db,
    inbox_id: i64,
    channel: ChannelKind,
    sealed: &str,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE inboxes SET secrets = $1, updated_at = $2 WHERE id = $3 AND channel_kind = $4",
    )
    .bind(sealed)
    .bind(now_ms())
    .bind(inbox_id)
    .bind(channel.as_str())
    .execute(&db.pool)
    .await?;
    Ok(changed.rows_affected() > 0)
}
