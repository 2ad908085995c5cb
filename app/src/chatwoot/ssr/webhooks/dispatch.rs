//! The dispatcher: reads each account's event log after its cursor, builds what the
//! events tell webhooks, and writes one delivery per webhook that asked for it, moving
//! the cursor in the same transaction. A crash before the commit leaves the cursor
//! where it was (the run is redone); two replicas racing see the cursor moved under
//! them and the second one's run changes nothing.
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use tokio::sync::Notify;

use super::payload::{hooks, Hook};
use crate::agents::model::AgentProfile;
use crate::chatwoot::ssr::Caller;
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;

/// The rules (alias-free, of `automation_rules`) that may call a webhook: their
/// accounts are dispatched even without a webhook of their own.
pub const CALLS_WEBHOOKS: &str = "actions LIKE '%send_webhook_event%'";

/// Events read per run.
const BATCH: i64 = 200;
/// Also looked at this often without a wake-up (another replica's events, a lost wake).
const POLL: Duration = Duration::from_secs(2);

/// Runs the dispatcher for the life of the process; `sent` wakes the sender.
pub fn spawn(state: AppState, base_url: String, sent: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            match run_once(&state, &base_url).await {
                Ok(0) => {}
                Ok(_) => sent.notify_one(),
                Err(err) => tracing::warn!(error = %err, "webhook dispatch failed; retrying"),
            }
            tokio::select! {
                _ = state.hub.hooks_woken() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Dispatches everything the log holds for every account with webhooks; the number of
/// deliveries written.
pub async fn run_once(state: &AppState, base_url: &str) -> Result<usize, AppError> {
    let accounts: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT account_id FROM webhooks UNION SELECT account_id FROM automation_rules WHERE {CALLS_WEBHOOKS}"
    ))
    .fetch_all(&state.db.pool)
    .await?;
    let mut written = 0;
    for account in accounts {
        loop {
            match run_account(state, base_url, account).await? {
                None => break,
                Some(n) => written += n,
            }
        }
    }
    Ok(written)
}

async fn cursor(state: &AppState, account: i64) -> Result<i64, AppError> {
    let db = &state.db;
    if let Some(at) = sqlx::query_scalar::<_, i64>(
        "SELECT last_event_id FROM webhook_cursors WHERE account_id = $1",
    )
    .bind(account)
    .fetch_optional(&db.pool)
    .await?
    {
        return Ok(at);
    }
    // The first webhook of the account (or rule that calls one) starts at the log as it
    // was when it was made.
    let start: i64 = sqlx::query_scalar(&format!(
        "SELECT CAST(COALESCE(MAX(e.id), 0) AS BIGINT) FROM events e WHERE e.account_id = $1 \
         AND e.created_at < (SELECT MIN(t.at) FROM (SELECT created_at AS at FROM webhooks WHERE account_id = $1 \
         UNION ALL SELECT created_at AS at FROM automation_rules WHERE account_id = $1 AND {CALLS_WEBHOOKS}) t)"
    ))
    .bind(account)
    .fetch_one(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO webhook_cursors (account_id, last_event_id) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account)
    .bind(start)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(
        sqlx::query_scalar("SELECT last_event_id FROM webhook_cursors WHERE account_id = $1")
            .bind(account)
            .fetch_one(&db.pool)
            .await?,
    )
}

struct Subscriber {
    id: i64,
    events: Vec<String>,
    include_private: bool,
    created_at: i64,
    /// An API inbox's own webhook: only that inbox's events.
    inbox_id: Option<i64>,
    /// An agent bot's webhook: only the events of the inboxes it is connected to.
    bot_inboxes: Option<Vec<i64>>,
}

impl Subscriber {
    fn wants(&self, hook: &Hook) -> bool {
        hook.rule.is_none()
            && self.events.iter().any(|e| e == hook.event)
            && (!hook.private || self.include_private)
            && self.created_at <= hook.at
            && self
                .inbox_id
                .is_none_or(|inbox| hook.inbox_id == Some(inbox))
            && self
                .bot_inboxes
                .as_ref()
                .is_none_or(|inboxes| hook.inbox_id.is_some_and(|inbox| inboxes.contains(&inbox)))
    }
}

/// One run over an account's log; `None` when it had nothing new.
async fn run_account(
    state: &AppState,
    base_url: &str,
    account: i64,
) -> Result<Option<usize>, AppError> {
    let db = &state.db;
    let from = cursor(state, account).await?;
    let events = crate::db::events::since(db, account, from, BATCH).await?;
    let Some(last) = events.last().map(|e| e.id) else {
        return Ok(None);
    };
    let bots: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, agent_bot_id FROM inboxes WHERE account_id = $1 AND agent_bot_id IS NOT NULL",
    )
    .bind(account)
    .fetch_all(&db.pool)
    .await?;
    let subscribers = sqlx::query(
        "SELECT id, subscriptions, include_private, created_at, inbox_id, bot_id FROM webhooks WHERE account_id = $1",
    )
    .bind(account)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let events: String = r.try_get("subscriptions")?;
        let bot: Option<i64> = r.try_get("bot_id")?;
        let bot_inboxes = bot.map(|bot| {
            bots.iter()
                .filter(|(_, b)| *b == bot)
                .map(|(inbox, _)| *inbox)
                .collect()
        });
        Ok(Subscriber {
            id: r.try_get("id")?,
            events: serde_json::from_str(&events).unwrap_or_default(),
            include_private: crate::db::flag(r, "include_private")?,
            created_at: r.try_get("created_at")?,
            inbox_id: r.try_get("inbox_id")?,
            bot_inboxes,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let agent = AgentProfile::system(account);
    let caller = Caller {
        state,
        agent: &agent,
        base_url,
    };
    let account_json = super::payload::account_json(db, account).await?;
    let wants = |event: &str| {
        subscribers
            .iter()
            .any(|s| s.events.iter().any(|e| e == event))
    };
    let built = hooks(&caller, &account_json, &events, wants).await?;

    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "UPDATE webhook_cursors SET last_event_id = $1 WHERE account_id = $2 AND last_event_id = $3",
    )
    .bind(last)
    .bind(account)
    .bind(from)
    .execute(tx.conn())
    .await?;
    if moved.rows_affected() == 0 {
        // Another replica dispatched this run.
        return Ok(Some(0));
    }
    let mut written = 0;
    for hook in &built {
        let body = hook.payload.to_string();
        if let Some((rule, url)) = &hook.rule {
            // Checked again at each call: saved before the policy was stricter, or
            // before the check existed.
            if let Err(code) = state.settings.outbound.webhook_url(url) {
                sqlx::query(
                    "UPDATE automation_rules SET last_error = $1, last_error_at = $2 WHERE id = $3",
                )
                .bind(format!("webhook {}: {code}", truncated(url)))
                .bind(now)
                .bind(*rule)
                .execute(tx.conn())
                .await?;
                continue;
            }
            let Some(webhook) = rule_hook(&mut tx, state, account, *rule, url, now).await? else {
                continue;
            };
            queue(&mut tx, webhook, hook.event, &body, now).await?;
            written += 1;
            continue;
        }
        for subscriber in subscribers.iter().filter(|s| s.wants(hook)) {
            queue(&mut tx, subscriber.id, hook.event, &body, now).await?;
            written += 1;
        }
    }
    tx.finish().await?;
    Ok(Some(written))
}

/// One delivery of `body` to `webhook`, due now.
pub(super) async fn queue(
    tx: &mut crate::db::WriteTx,
    webhook: i64,
    event: &str,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
    )
    .bind(webhook)
    .bind(event)
    .bind(body)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The rule's own webhook row for `url` (made at its first call, with a secret of its
/// own); `None` when the rule was deleted since.
async fn rule_hook(
    tx: &mut crate::db::WriteTx,
    state: &AppState,
    account: i64,
    rule: i64,
    url: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM webhooks WHERE rule_id = $1 AND url = $2")
            .bind(rule)
            .bind(url)
            .fetch_optional(tx.conn())
            .await?;
    if existing.is_some() {
        return Ok(existing);
    }
    let secret = crate::secrets::token::new_token();
    Ok(sqlx::query_scalar(
        "INSERT INTO webhooks (account_id, rule_id, name, url, subscriptions, include_private, secret_sealed, created_at) \
         SELECT $1, $2, '', $3, '[]', 0, $4, $5 WHERE EXISTS (SELECT 1 FROM automation_rules WHERE id = $2) \
         RETURNING id",
    )
    .bind(account)
    .bind(rule)
    .bind(url)
    .bind(state.settings.secrets.seal(&secret))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?)
}

/// A URL as an error names it.
pub fn truncated(url: &str) -> String {
    url.chars().take(200).collect()
}
