//! Agent bots at rest: administrators add, change and remove them and connect them to
//! inboxes; a bot's token finds it (hashed, as agents' tokens are) and its sealed copy
//! is shown to administrators. The bot hears of its inboxes through a webhook row of
//! its own (`webhooks::bot_hook`), so it shares the queue's retries and signatures.
pub mod act;
pub mod api;
mod inboxes;

use inboxes::{connect_in_tx, count_inboxes};
pub use inboxes::{inbox_bot, set_inbox_bot};

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::channels::outbound::OutboundPolicy;
use crate::chatwoot::bots::model::{AgentBotInput, AgentBotView};
use crate::chatwoot::ssr::webhooks::bot_hook::{bot_hook, set_bot_hook_in_tx};
use crate::conversations::ssr::messages::Author;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::token::{new_token, token_hash};
use crate::secrets::SecretBox;

/// A bot calling the API with its token.
#[derive(Debug, Clone)]
pub struct Bot {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
}

impl Bot {
    pub fn author(&self) -> Author<'_> {
        Author::Bot {
            id: self.id,
            account_id: self.account_id,
            name: &self.name,
        }
    }
}

const SELECT: &str = "SELECT id, name, description, outgoing_url, token_sealed FROM agent_bots";

async fn view(db: &Db, secrets: &SecretBox, row: &AnyRow) -> Result<AgentBotView, AppError> {
    let id: i64 = row.try_get("id")?;
    let sealed: String = row.try_get("token_sealed")?;
    let mut conn = db.pool.acquire().await?;
    let secret = bot_hook(&mut conn, secrets, id)
        .await?
        .map(|(_, secret)| secret)
        .unwrap_or_default();
    let inbox_ids =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE agent_bot_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(AgentBotView {
        id,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        outgoing_url: row.try_get("outgoing_url")?,
        access_token: secrets.open(&sealed).unwrap_or_default(),
        secret,
        inbox_ids,
    })
}

/// The account's bots, oldest first.
pub async fn list(
    db: &Db,
    secrets: &SecretBox,
    account_id: i64,
) -> Result<Vec<AgentBotView>, AppError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND deleted_at IS NULL ORDER BY id");
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
    let mut bots = Vec::with_capacity(rows.len());
    for row in &rows {
        bots.push(view(db, secrets, row).await?);
    }
    Ok(bots)
}

pub async fn get(
    db: &Db,
    secrets: &SecretBox,
    account_id: i64,
    id: i64,
) -> Result<AgentBotView, AppError> {
    let sql = format!("{SELECT} WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL");
    let row = sqlx::query(&sql)
        .bind(account_id)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    view(db, secrets, &row).await
}

/// Creates (`id: None`) or changes a bot; with `inbox_ids`, exactly those inboxes are
/// its (an inbox has one bot at most: connecting it takes it from another bot). Its URL
/// must be one Charla may call.
pub async fn save(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    id: Option<i64>,
    input: &AgentBotInput,
) -> Result<AgentBotView, AppError> {
    require_admin(admin)?;
    input
        .check()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let url = input.outgoing_url.trim();
    outbound
        .webhook_url(url)
        .map_err(|code| AppError::validation("outgoing_url", code))?;
    let account = admin.account_id;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if let Some(inboxes) = &input.inbox_ids {
        let mut wanted = inboxes.clone();
        wanted.sort_unstable();
        wanted.dedup();
        let known: i64 = count_inboxes(tx.conn(), account, &wanted).await?;
        if known != wanted.len() as i64 {
            return Err(AppError::validation("inbox_ids", "invalid"));
        }
    }
    let id = match id {
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE agent_bots SET name = $1, description = $2, outgoing_url = $3, updated_at = $4 \
                 WHERE id = $5 AND account_id = $6 AND deleted_at IS NULL",
            )
            .bind(input.name.trim())
            .bind(input.description.trim())
            .bind(url)
            .bind(now)
            .bind(id)
            .bind(account)
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let token = new_token();
            sqlx::query_scalar(
                "INSERT INTO agent_bots (account_id, name, description, outgoing_url, token_hash, token_sealed, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(account)
            .bind(input.name.trim())
            .bind(input.description.trim())
            .bind(url)
            .bind(token_hash(&token))
            .bind(secrets.seal(&token))
            .bind(now)
            .fetch_one(tx.conn())
            .await?
        }
    };
    set_bot_hook_in_tx(tx.conn(), secrets, account, id, url).await?;
    if let Some(inboxes) = &input.inbox_ids {
        sqlx::query("UPDATE inboxes SET agent_bot_id = NULL WHERE agent_bot_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        for inbox in inboxes {
            connect_in_tx(tx.conn(), account, *inbox, Some(id)).await?;
        }
    }
    tx.finish().await?;
    get(db, secrets, account, id).await
}

/// A new token for the bot: the old one stops working at once.
pub async fn regenerate_token(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    id: i64,
) -> Result<AgentBotView, AppError> {
    require_admin(admin)?;
    let token = new_token();
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE agent_bots SET token_hash = $1, token_sealed = $2, updated_at = $3 \
         WHERE id = $4 AND account_id = $5 AND deleted_at IS NULL",
    )
    .bind(token_hash(&token))
    .bind(secrets.seal(&token))
    .bind(now_ms())
    .bind(id)
    .bind(admin.account_id)
    .execute(tx.conn())
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    get(db, secrets, admin.account_id, id).await
}

/// Removes a bot: its token and webhook end, its inboxes are free; its messages keep
/// its name (the row stays, emptied).
pub async fn remove(db: &Db, admin: &AgentProfile, id: i64) -> Result<(), AppError> {
    require_admin(admin)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE agent_bots SET token_hash = $1, token_sealed = '', outgoing_url = '', deleted_at = $2, \
         updated_at = $2 WHERE id = $3 AND account_id = $4 AND deleted_at IS NULL",
    )
    // Not a hash any token has: the unique index holds and no token finds it.
    .bind(format!("removed:{id}"))
    .bind(now)
    .bind(id)
    .bind(admin.account_id)
    .execute(tx.conn())
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("UPDATE inboxes SET agent_bot_id = NULL WHERE agent_bot_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM webhooks WHERE bot_id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(())
}

/// The bot a token belongs to, if any.
pub async fn lookup(db: &Db, token: &str) -> Result<Option<Bot>, AppError> {
    let row = sqlx::query(
        "SELECT id, account_id, name FROM agent_bots WHERE token_hash = $1 AND deleted_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Bot {
            id: r.try_get("id")?,
            account_id: r.try_get("account_id")?,
            name: r.try_get("name")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
}
