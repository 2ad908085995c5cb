//! The account's webhooks: administrators add, change and remove them; each has its
//! own signing secret. The delivery log is read from the delivery queue itself.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::channels::outbound::OutboundPolicy;
use crate::chatwoot::webhooks::model::{
    DeliveryState, DeliveryView, WebhookInput, WebhookView, EVENTS,
};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::token::new_token;
use crate::secrets::SecretBox;

/// Lines of the delivery log shown.
pub const LOG_LINES: i64 = 50;

const SELECT: &str =
    "SELECT id, name, url, subscriptions, include_private, secret_sealed, created_at FROM webhooks";

fn from_row(row: &AnyRow, secrets: &SecretBox) -> Result<WebhookView, AppError> {
    let subscriptions: String = row.try_get("subscriptions")?;
    let sealed: String = row.try_get("secret_sealed")?;
    Ok(WebhookView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        subscriptions: serde_json::from_str(&subscriptions).unwrap_or_default(),
        include_private: crate::db::flag(row, "include_private")?,
        secret: secrets.open(&sealed).unwrap_or_default(),
        created_at: row.try_get("created_at")?,
    })
}

pub async fn list(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
) -> Result<Vec<WebhookView>, AppError> {
    require_admin(admin)?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE account_id = $1 AND inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL ORDER BY id"
    ))
    .bind(admin.account_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| from_row(r, secrets)).collect()
}

pub async fn get(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    id: i64,
) -> Result<WebhookView, AppError> {
    require_admin(admin)?;
    let row = sqlx::query(&format!(
        "{SELECT} WHERE account_id = $1 AND id = $2 AND inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL"
    ))
    .bind(admin.account_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    from_row(&row, secrets)
}

/// Creates (`id: None`) or changes a webhook. Its URL must be one Charla may call: no
/// loopback or private address unless the installation allows them.
pub async fn save(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    id: Option<i64>,
    input: &WebhookInput,
) -> Result<WebhookView, AppError> {
    require_admin(admin)?;
    input
        .check()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let url = input.url.trim();
    outbound
        .webhook_url(url)
        .map_err(|code| AppError::validation("url", code))?;
    let mut subscriptions = input.subscriptions.clone();
    subscriptions.sort();
    subscriptions.dedup();
    let subscriptions = serde_json::to_string(&subscriptions).unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM webhooks WHERE account_id = $1 AND url = $2 AND id <> $3 AND inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL",
    )
    .bind(admin.account_id)
    .bind(url)
    .bind(id.unwrap_or(0))
    .fetch_optional(tx.conn())
    .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            field: "url".to_owned(),
        });
    }
    let id = match id {
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE webhooks SET name = $1, url = $2, subscriptions = $3, include_private = $4 \
                 WHERE id = $5 AND account_id = $6 AND inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL",
            )
            .bind(input.name.trim())
            .bind(url)
            .bind(&subscriptions)
            .bind(input.include_private as i64)
            .bind(id)
            .bind(admin.account_id)
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let id = sqlx::query(
                "INSERT INTO webhooks (account_id, name, url, subscriptions, include_private, secret_sealed, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(admin.account_id)
            .bind(input.name.trim())
            .bind(url)
            .bind(&subscriptions)
            .bind(input.include_private as i64)
            .bind(secrets.seal(&new_token()))
            .bind(now_ms())
            .fetch_one(tx.conn())
            .await?
            .try_get::<i64, _>(0)?;
            first_starts_now(tx.conn(), admin.account_id, id).await?;
            id
        }
    };
    tx.finish().await?;
    get(db, secrets, admin, id).await
}

/// The account's first webhook (again): the dispatcher starts from now, not from
/// where it stopped when the last one was removed.
pub(super) async fn first_starts_now(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "DELETE FROM webhook_cursors WHERE account_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM webhooks WHERE account_id = $1 AND id <> $2) \
         AND NOT EXISTS (SELECT 1 FROM automation_rules WHERE account_id = $1 AND {})",
        super::dispatch::CALLS_WEBHOOKS
    ))
    .bind(account_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// An API inbox's own webhook: every event of the inbox that an account webhook may
/// get (not contacts', not private notes) to `url`; an empty URL removes it. Returns
/// its signing secret (empty without a URL). The URL was checked by the caller.
pub async fn set_inbox_hook_in_tx(
    conn: &mut sqlx::AnyConnection,
    secrets: &SecretBox,
    account_id: i64,
    inbox_id: i64,
    url: &str,
) -> Result<String, AppError> {
    if url.is_empty() {
        sqlx::query("DELETE FROM webhooks WHERE inbox_id = $1")
            .bind(inbox_id)
            .execute(&mut *conn)
            .await?;
        return Ok(String::new());
    }
    let events: Vec<&str> = EVENTS
        .iter()
        .copied()
        .filter(|e| !e.starts_with("contact_"))
        .collect();
    let events = serde_json::to_string(&events).unwrap_or_default();
    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, secret_sealed FROM webhooks WHERE inbox_id = $1")
            .bind(inbox_id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((id, sealed)) = existing {
        sqlx::query("UPDATE webhooks SET url = $1, subscriptions = $2 WHERE id = $3")
            .bind(url)
            .bind(&events)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        return Ok(secrets.open(&sealed).unwrap_or_default());
    }
    let secret = new_token();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhooks (account_id, inbox_id, name, url, subscriptions, include_private, secret_sealed, created_at) \
         VALUES ($1, $2, '', $3, $4, 0, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(inbox_id)
    .bind(url)
    .bind(&events)
    .bind(secrets.seal(&secret))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    first_starts_now(conn, account_id, id).await?;
    Ok(secret)
}

/// An API inbox's webhook signing secret, if it has a URL.
pub async fn inbox_hook_secret(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
) -> Result<String, AppError> {
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT secret_sealed FROM webhooks WHERE inbox_id = $1")
            .bind(inbox_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(sealed.and_then(|s| secrets.open(&s)).unwrap_or_default())
}

pub async fn remove(db: &Db, admin: &AgentProfile, id: i64) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let removed =
        sqlx::query("DELETE FROM webhooks WHERE id = $1 AND account_id = $2 AND inbox_id IS NULL AND bot_id IS NULL AND rule_id IS NULL")
            .bind(id)
            .bind(admin.account_id)
            .execute(tx.conn())
            .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// The newest [`LOG_LINES`] deliveries of a webhook of the administrator's account.
pub async fn deliveries(
    db: &Db,
    admin: &AgentProfile,
    id: i64,
) -> Result<Vec<DeliveryView>, AppError> {
    require_admin(admin)?;
    let rows = sqlx::query(
        "SELECT d.id, d.event, d.state, d.attempts, d.last_status, d.last_error, d.created_at, d.next_attempt_at \
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE w.id = $1 AND w.account_id = $2 ORDER BY d.id DESC LIMIT $3",
    )
    .bind(id)
    .bind(admin.account_id)
    .bind(LOG_LINES)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let state: String = r.try_get("state")?;
            let state =
                DeliveryState::parse(&state).ok_or_else(|| sqlx::Error::Decode(state.into()))?;
            Ok(DeliveryView {
                id: r.try_get("id")?,
                event: r.try_get("event")?,
                state,
                attempts: r.try_get("attempts")?,
                last_status: r.try_get("last_status")?,
                last_error: r.try_get("last_error")?,
                created_at: r.try_get("created_at")?,
                next_attempt_at: (state == DeliveryState::Pending)
                    .then(|| r.try_get("next_attempt_at"))
                    .transpose()?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
