//! An agent bot's own webhook: the events Chatwoot tells its bots (messages created and
//! updated, conversations opened and resolved) in the inboxes the bot is connected to,
//! through the same crash-safe queue as every webhook, signed with the bot's secret.
use crate::db::now_ms;
use crate::error::AppError;
use crate::secrets::token::new_token;
use crate::secrets::SecretBox;

/// What a bot hears of (Chatwoot's `AgentBotListener`); never private notes.
pub const BOT_EVENTS: &[&str] = &[
    "message_created",
    "message_updated",
    "conversation_opened",
    "conversation_resolved",
];

/// Points the bot's webhook at `url` (made on first use); its signing secret.
pub async fn set_bot_hook_in_tx(
    conn: &mut sqlx::AnyConnection,
    secrets: &SecretBox,
    account_id: i64,
    bot_id: i64,
    url: &str,
) -> Result<String, AppError> {
    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, secret_sealed FROM webhooks WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id, sealed)) = existing {
        sqlx::query("UPDATE webhooks SET url = $1 WHERE id = $2")
            .bind(url)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(secrets.open(&sealed).unwrap_or_default());
    }
    let events = serde_json::to_string(BOT_EVENTS).unwrap_or_default();
    let secret = new_token();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhooks (account_id, bot_id, name, url, subscriptions, include_private, secret_sealed, created_at) \
         VALUES ($1, $2, '', $3, $4, 0, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(bot_id)
    .bind(url)
    .bind(&events)
    .bind(secrets.seal(&secret))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    super::store::first_starts_now(conn, account_id, id).await?;
    Ok(secret)
}

/// The bot's signing secret and the id of its webhook (for its delivery log).
pub async fn bot_hook(
    conn: &mut sqlx::AnyConnection,
    secrets: &SecretBox,
    bot_id: i64,
) -> Result<Option<(i64, String)>, AppError> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, secret_sealed FROM webhooks WHERE bot_id = $1")
            .bind(bot_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, sealed)| (id, secrets.open(&sealed).unwrap_or_default())))
}
