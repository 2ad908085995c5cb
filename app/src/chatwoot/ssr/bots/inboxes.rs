//! Which inboxes a bot answers: an inbox has one bot at most.
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::Db;
use crate::error::AppError;

pub(super) async fn count_inboxes(
    conn: &mut sqlx::AnyConnection,
    account: i64,
    ids: &[i64],
) -> Result<i64, sqlx::Error> {
    let mut known = 0;
    for id in ids {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM inboxes WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(account)
                .fetch_optional(&mut *conn)
                .await?;
        known += found.is_some() as i64;
    }
    Ok(known)
}

pub(super) async fn connect_in_tx(
    conn: &mut sqlx::AnyConnection,
    account: i64,
    inbox_id: i64,
    bot: Option<i64>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE inboxes SET agent_bot_id = $1 WHERE id = $2 AND account_id = $3")
            .bind(bot)
            .bind(inbox_id)
            .bind(account)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Chatwoot's `set_agent_bot`: the inbox's bot (`None`: none). Conversations already
/// pending with a bot stay pending until someone opens them.
pub async fn set_inbox_bot(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    bot: Option<i64>,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    if let Some(bot) = bot {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM agent_bots WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL",
        )
        .bind(bot)
        .bind(admin.account_id)
        .fetch_optional(tx.conn())
        .await?;
        found.ok_or(AppError::NotFound)?;
    }
    if connect_in_tx(tx.conn(), admin.account_id, inbox_id, bot).await? == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// The bot connected to an inbox, if any.
pub async fn inbox_bot(db: &Db, account_id: i64, inbox_id: i64) -> Result<Option<i64>, AppError> {
    let bot: Option<Option<i64>> =
        sqlx::query_scalar("SELECT agent_bot_id FROM inboxes WHERE id = $1 AND account_id = $2")
            .bind(inbox_id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    bot.ok_or(AppError::NotFound)
}
