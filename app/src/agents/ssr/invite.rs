//! Invitations: an agent an administrator adds without a password (Ajustes, or
//! Chatwoot's `POST /agents`) cannot sign in until she chooses one through a one-time
//! link, which then signs her in. Only the link's SHA-256 is stored; a new link ends
//! the old one; a used or expired link is refused.
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::auth::permission::require_admin;
use crate::auth::ssr::open_session_in_tx;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::check_password;
use crate::error::AppError;
use crate::secrets::password::hash_password;
use crate::secrets::token::{new_token, token_hash};

/// How long a link is good for.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// Who a valid link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invited {
    pub agent_id: i64,
    pub name: String,
    pub email: String,
}

/// Writes a new link for the agent (ending any earlier one); the token to send her.
pub async fn issue_in_tx(tx: &mut WriteTx, agent_id: i64) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO agent_invitations (agent_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (agent_id) DO UPDATE SET token_hash = excluded.token_hash, \
         expires_at = excluded.expires_at, created_at = excluded.created_at",
    )
    .bind(agent_id)
    .bind(token_hash(&token))
    .bind(now + INVITATION_TTL_MS)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(token)
}

/// A new link for an active agent of the administrator's account who has not chosen
/// a password yet (anyone else: not found).
pub async fn renew(db: &Db, admin: &AgentProfile, agent_id: i64) -> Result<String, AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM agents WHERE id = $1 AND account_id = $2 AND active = 1 AND password_hash = ''",
    )
    .bind(agent_id)
    .bind(admin.account_id)
    .fetch_optional(tx.conn())
    .await?;
    pending.ok_or(AppError::NotFound)?;
    let token = issue_in_tx(&mut tx, agent_id).await?;
    tx.finish().await?;
    Ok(token)
}

/// Who the link is for, if it is still good.
pub async fn find(db: &Db, token: &str) -> Result<Option<Invited>, AppError> {
    let row = sqlx::query(
        "SELECT a.id, a.name, a.email FROM agent_invitations i JOIN agents a ON a.id = i.agent_id \
         WHERE i.token_hash = $1 AND i.expires_at > $2 AND a.active = 1 AND a.password_hash = ''",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Invited {
            agent_id: row.try_get("id")?,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
}

/// Sets the invited agent's password, uses the link up and opens her session, in one
/// transaction; the session's cookie token. A link no longer good (used, replaced,
/// expired, or its agent deactivated meanwhile) is `invitation_invalid` and nothing
/// changes.
pub async fn accept(
    db: &Db,
    token: &str,
    password: &str,
    user_agent: Option<&str>,
    ttl_secs: i64,
) -> Result<String, AppError> {
    check_password(password).map_err(|code| AppError::validation("password", code))?;
    let invalid = || AppError::validation("token", "invitation_invalid");
    let invited = find(db, token).await?.ok_or_else(invalid)?;
    let hash = {
        let password = password.to_owned();
        crate::secrets::hashing::run(move || hash_password(&password)).await??
    };
    let mut tx = db.begin_write().await?;
    // Deleting the row is the claim: of two tabs sending the same link, one wins.
    let used =
        sqlx::query("DELETE FROM agent_invitations WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash(token))
            .bind(now_ms())
            .execute(tx.conn())
            .await?;
    let set = sqlx::query(
        "UPDATE agents SET password_hash = $1, updated_at = $2 \
         WHERE id = $3 AND password_hash = '' AND active = 1",
    )
    .bind(hash)
    .bind(now_ms())
    .bind(invited.agent_id)
    .execute(tx.conn())
    .await?;
    // Dropping the transaction undoes the claim.
    if used.rows_affected() != 1 || set.rows_affected() != 1 {
        return Err(invalid());
    }
    let session = open_session_in_tx(&mut tx, invited.agent_id, user_agent, ttl_secs).await?;
    tx.finish().await?;
    Ok(session)
}

/// The agents of the account still waiting to choose a password.
pub async fn pending_ids(db: &Db, account_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM agents WHERE account_id = $1 AND active = 1 AND password_hash = ''",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?)
}
