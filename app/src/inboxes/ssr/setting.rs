//! One named part of an inbox's settings (`settings.<key>`), read and written whole:
//! the business hours and the satisfaction survey keep theirs this way.
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::db::{inbox_settings, Db};
use crate::error::AppError;

/// The part `key` of an inbox's settings (its default when absent or unreadable);
/// `None` when there is no such inbox (of `account_id`, when given).
pub async fn part_of<T: DeserializeOwned + Default>(
    conn: &mut sqlx::AnyConnection,
    account_id: Option<i64>,
    inbox_id: i64,
    key: &str,
) -> Result<Option<T>, sqlx::Error> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT settings FROM inboxes WHERE id = $1 AND ($2 IS NULL OR account_id = $2)",
    )
    .bind(inbox_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(text.map(|text| {
        let settings: inbox_settings::Settings = serde_json::from_str(&text).unwrap_or_default();
        inbox_settings::part(&settings, key)
    }))
}

/// Replaces the part `key` of an inbox of `account_id` (not found: nothing changes).
pub async fn save_part<T: Serialize>(
    db: &Db,
    account_id: i64,
    inbox_id: i64,
    key: &str,
    part: &T,
) -> Result<(), AppError> {
    let value = serde_json::to_value(part).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    let found = inbox_settings::update_in_tx(&mut tx, Some(account_id), inbox_id, None, |json| {
        json.insert(key.into(), value);
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}
