//! Access tokens at rest: the hash to find the agent, the sealed copy to show her.
use sqlx::Row;

use super::model::AccessTokenView;
use crate::agents::model::{profile_from_row, AgentProfile};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::token::{new_token, token_hash};
use crate::secrets::SecretBox;

/// `last_used_at` is written at most this often, so reads do not all become writes.
const TOUCH_INTERVAL_MS: i64 = 5 * 60 * 1000;

/// The agent's token, made (and stored) if she has none yet. Two first asks at once
/// (the page's render and a second tab) must show the same token: the first insert
/// wins and both read it back, rather than the second replacing the first.
pub async fn current(
    db: &Db,
    secrets: &SecretBox,
    agent_id: i64,
) -> Result<AccessTokenView, AppError> {
    if let Some(view) = stored(db, secrets, agent_id).await? {
        return Ok(view);
    }
    let token = new_token();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO api_access_tokens (agent_id, token_hash, sealed, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (agent_id) DO NOTHING",
    )
    .bind(agent_id)
    .bind(token_hash(&token))
    .bind(secrets.seal(&token))
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    match stored(db, secrets, agent_id).await? {
        Some(view) => Ok(view),
        // A copy sealed under another key (the key was changed) cannot be shown: a new one is made.
        None => regenerate(db, secrets, agent_id).await,
    }
}

/// The stored token, if there is one this installation's key can open.
async fn stored(
    db: &Db,
    secrets: &SecretBox,
    agent_id: i64,
) -> Result<Option<AccessTokenView>, AppError> {
    let row = sqlx::query("SELECT sealed, created_at FROM api_access_tokens WHERE agent_id = $1")
        .bind(agent_id)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let sealed: String = row.try_get("sealed")?;
    Ok(match secrets.open(&sealed) {
        Some(token) => Some(AccessTokenView {
            token,
            created_at: row.try_get("created_at")?,
        }),
        None => None,
    })
}

/// Replaces the agent's token: the old one finds nobody from this commit on.
pub async fn regenerate(
    db: &Db,
    secrets: &SecretBox,
    agent_id: i64,
) -> Result<AccessTokenView, AppError> {
    let token = new_token();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM api_access_tokens WHERE agent_id = $1")
        .bind(agent_id)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO api_access_tokens (agent_id, token_hash, sealed, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(agent_id)
    .bind(token_hash(&token))
    .bind(secrets.seal(&token))
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(AccessTokenView {
        token,
        created_at: now,
    })
}

/// The active agent a token belongs to, if any.
pub async fn lookup(db: &Db, token: &str) -> Result<Option<AgentProfile>, AppError> {
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT t.last_used_at, a.id, a.account_id, a.email, a.name, a.display_name, a.role, a.availability \
         FROM api_access_tokens t JOIN agents a ON a.id = t.agent_id \
         WHERE t.token_hash = $1 AND a.active = 1",
    )
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = now_ms();
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|at| now - at > TOUCH_INTERVAL_MS) {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE api_access_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(tx.conn())
            .await?;
        tx.finish().await?;
    }
    Ok(Some(profile_from_row(&row)?))
}
