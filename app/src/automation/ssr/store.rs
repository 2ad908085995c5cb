//! The rules at rest (`automation_rules`): listed in run order, saved whole once
//! checked (a bad rule changes nothing), deleted by id, all within the account.
use sqlx::Row;

use super::references;
use crate::automation::model::AutomationRule;
use crate::channels::outbound::OutboundPolicy;
use crate::db::{now_ms, Db};
use crate::domain::automation::RuleAction;
use crate::domain::automation::RuleInput;
use crate::error::AppError;

/// The most rules an account keeps.
pub const MAX_RULES: i64 = 200;

const COLUMNS: &str = "id, name, description, event_name, conditions, actions, no_reply_minutes, \
     active, position, disabled_reason, runs, skipped_loops, last_run_at, last_error, created_at";

fn rule_from_row(row: &sqlx::any::AnyRow) -> Result<AutomationRule, AppError> {
    let event: String = row.try_get("event_name")?;
    let conditions: String = row.try_get("conditions")?;
    let actions: String = row.try_get("actions")?;
    Ok(AutomationRule {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        event_name: serde_json::from_value(serde_json::Value::String(event))
            .map_err(|_| AppError::Internal)?,
        conditions: serde_json::from_str(&conditions).unwrap_or_default(),
        actions: serde_json::from_str(&actions).unwrap_or_default(),
        no_reply_minutes: row
            .try_get::<Option<i64>, _>("no_reply_minutes")?
            .and_then(|m| u32::try_from(m).ok()),
        active: row.try_get::<i64, _>("active")? != 0,
        position: row.try_get("position")?,
        disabled_reason: row.try_get("disabled_reason")?,
        runs: row.try_get("runs")?,
        skipped_loops: row.try_get("skipped_loops")?,
        last_run_at: row.try_get("last_run_at")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn list(db: &Db, account_id: i64) -> Result<Vec<AutomationRule>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM automation_rules WHERE account_id = $1 ORDER BY position, id"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(rule_from_row).collect()
}

pub async fn get(db: &Db, account_id: i64, id: i64) -> Result<AutomationRule, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM automation_rules WHERE id = $1 AND account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    rule_from_row(&row)
}

/// Creates (last in order) or replaces a rule; saving clears a reason it was switched
/// off for, since what it names was just checked.
pub async fn save(
    db: &Db,
    outbound: &OutboundPolicy,
    account_id: i64,
    id: Option<i64>,
    input: &RuleInput,
) -> Result<AutomationRule, AppError> {
    let checked = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    references::check(db, account_id, &checked).await?;
    // A webhook the server may not call is refused now, not at each of its calls.
    for action in &checked.actions {
        if let RuleAction::SendWebhookEvent(url) = action {
            outbound.webhook_url(url).map_err(|code| match code {
                "address_not_allowed" => AppError::validation("actions", "url_not_allowed"),
                _ => AppError::validation("actions", "url"),
            })?;
        }
    }
    let event = serde_json::to_value(input.event_name).map_err(|_| AppError::Internal)?;
    let event = event.as_str().unwrap_or_default().to_owned();
    let conditions = serde_json::to_string(&input.conditions).map_err(|_| AppError::Internal)?;
    let actions = serde_json::to_string(&input.actions).map_err(|_| AppError::Internal)?;
    let minutes = input.no_reply_minutes.map(i64::from);
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        Some(id) => {
            let changed = sqlx::query(
                "UPDATE automation_rules SET name = $1, description = $2, event_name = $3, conditions = $4, \
                 actions = $5, no_reply_minutes = $6, active = $7, disabled_reason = NULL, updated_at = $8 \
                 WHERE id = $9 AND account_id = $10",
            )
            .bind(&checked.name)
            .bind(input.description.trim())
            .bind(&event)
            .bind(&conditions)
            .bind(&actions)
            .bind(minutes)
            .bind(i64::from(input.active))
            .bind(now)
            .bind(id)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            forget_old_webhooks(&mut tx, id, &checked.actions).await?;
            id
        }
        None => {
            let (count, last): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(position) FROM automation_rules WHERE account_id = $1",
            )
            .bind(account_id)
            .fetch_one(tx.conn())
            .await?;
            if count >= MAX_RULES {
                return Err(AppError::validation("rules", "too_many"));
            }
            sqlx::query_scalar(
                "INSERT INTO automation_rules (account_id, name, description, event_name, conditions, actions, \
                 no_reply_minutes, active, position, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(account_id)
            .bind(&checked.name)
            .bind(input.description.trim())
            .bind(&event)
            .bind(&conditions)
            .bind(&actions)
            .bind(minutes)
            .bind(i64::from(input.active))
            .bind(last.unwrap_or(0) + 1)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
        }
    };
    // Rules act on what happens from the moment one is saved: the account's place in
    // its event log is taken now, not when the worker first looks.
    sqlx::query(
        "INSERT INTO automation_cursors (account_id, last_event_id, locked_until) \
         SELECT $1, COALESCE(MAX(id), 0), 0 FROM events WHERE account_id = $1 \
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account_id)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    get(db, account_id, id).await
}

/// A webhook the rule no longer calls goes (with its deliveries still waiting): the
/// rule's own row for each URL is made again at its next call.
async fn forget_old_webhooks(
    tx: &mut crate::db::WriteTx,
    rule_id: i64,
    actions: &[RuleAction],
) -> Result<(), AppError> {
    let calls: Vec<&str> = actions
        .iter()
        .filter_map(|a| match a {
            RuleAction::SendWebhookEvent(url) => Some(url.as_str()),
            _ => None,
        })
        .collect();
    let urls: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, url FROM webhooks WHERE rule_id = $1")
            .bind(rule_id)
            .fetch_all(tx.conn())
            .await?;
    for (hook, url) in urls {
        if !calls.contains(&url.as_str()) {
            sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
                .bind(hook)
                .execute(tx.conn())
                .await?;
            sqlx::query("DELETE FROM webhooks WHERE id = $1")
                .bind(hook)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}

/// Deletes a rule, its webhooks (and their waiting calls) and its unsent emails.
pub async fn remove(db: &Db, account_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let owned: Option<i64> =
        sqlx::query_scalar("SELECT id FROM automation_rules WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(tx.conn())
            .await?;
    if owned.is_some() {
        forget_old_webhooks(&mut tx, id, &[]).await?;
        sqlx::query("DELETE FROM automation_mails WHERE rule_id = $1 AND state = 'pending'")
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    let gone = sqlx::query("DELETE FROM automation_rules WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    if gone.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// Switches a rule on or off without touching the rest (a rule naming something gone
/// can always be switched off; switching on checks what it names, and clears the
/// reason it was switched off for). The moment counts as the rule's start for "no
/// reply" (`updated_at`).
pub async fn switch(
    db: &Db,
    account_id: i64,
    id: i64,
    active: bool,
) -> Result<AutomationRule, AppError> {
    let rule = get(db, account_id, id).await?;
    if active {
        let checked = rule
            .input()
            .checked()
            .map_err(|(field, code)| AppError::validation(field, code))?;
        references::check(db, account_id, &checked).await?;
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE automation_rules SET active = $1, updated_at = $2, \
         disabled_reason = CASE WHEN $1 = 1 THEN NULL ELSE disabled_reason END \
         WHERE id = $3 AND account_id = $4",
    )
    .bind(i64::from(active))
    .bind(now_ms())
    .bind(id)
    .bind(account_id)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    get(db, account_id, id).await
}
