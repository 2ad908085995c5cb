//! An inbox's non-secret settings (the `settings` JSON): one read-modify-write for every
//! channel's form, so a form changes its own keys and keeps everyone else's.
use crate::db::{now_ms, WriteTx};
use crate::error::AppError;

/// Applies `change` to the settings of an inbox of the account (of `channel`, when
/// given) inside `tx`; "not found" for any other inbox.
pub async fn update_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
    channel: Option<&str>,
    change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> Result<(), AppError> {
    let current: Option<(String, String)> = sqlx::query_as(
        "SELECT settings, channel_kind FROM inboxes WHERE id = $1 AND account_id = $2",
    )
    .bind(inbox_id)
    .bind(account_id)
    .fetch_optional(tx.conn())
    .await?;
    let (current, kind) = current.ok_or(AppError::NotFound)?;
    if channel.is_some_and(|c| c != kind) {
        return Err(AppError::NotFound);
    }
    let mut json = match serde_json::from_str(&current) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    change(&mut json);
    sqlx::query("UPDATE inboxes SET settings = $1, updated_at = $2 WHERE id = $3")
        .bind(serde_json::Value::Object(json).to_string())
        .bind(now_ms())
        .bind(inbox_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}
