//! The push worker: claims notifications waiting to be pushed, checks each against
//! what its agent may see *now*, and sends one message to each browser she turned
//! push on in. A push service that says the subscription is gone (404, 410) loses it;
//! a push is never retried (the bell keeps the notification).
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use sqlx::Row;

use super::push::{payload, Outcome, Pusher, Subscription};
use crate::auth::permission::sees_inbox;
use crate::db::{now_ms, placeholders, Db};
use crate::live::hub::Hub;
use crate::notifications::model::NotificationKind;

/// Notifications claimed at once.
const BATCH: i64 = 500;
/// A claim is another replica's for this long (it crashed if it did not finish).
const LEASE_MS: i64 = 60_000;
/// Pushes in flight at once.
const IN_FLIGHT: usize = 64;
/// Also looked at this often without a wake-up (another replica's crash, a lost wake).
const POLL: Duration = Duration::from_secs(10);

/// Runs the push worker for the life of the process.
pub fn spawn(db: Db, hub: Hub, pusher: Arc<Pusher>) {
    tokio::spawn(async move {
        loop {
            match run_once(&db, &pusher).await {
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "push delivery failed; retrying"),
            }
            tokio::select! {
                _ = hub.notices_woken() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Pushes everything waiting; the number of notifications handled.
pub async fn run_once(db: &Db, pusher: &Pusher) -> Result<usize, sqlx::Error> {
    let mut handled = 0;
    loop {
        let claimed = claim(db).await?;
        if claimed.is_empty() {
            return Ok(handled);
        }
        handled += claimed.len();
        deliver(db, pusher, &claimed).await?;
        let _turn = db.write_turn().await;
        let sql = format!(
            "UPDATE notifications SET push_pending = 0, push_claimed_until = NULL WHERE id IN ({})",
            placeholders(1, claimed.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &claimed {
            query = query.bind(*id);
        }
        query.execute(&db.pool).await?;
    }
}

async fn claim(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    let now = now_ms();
    let _turn = db.write_turn().await;
    sqlx::query_scalar(
        "UPDATE notifications SET push_claimed_until = $1 WHERE id IN (SELECT id FROM notifications \
         WHERE push_pending = 1 AND (push_claimed_until IS NULL OR push_claimed_until < $2) ORDER BY id LIMIT $3) \
         RETURNING id",
    )
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(BATCH)
    .fetch_all(&db.pool)
    .await
}

/// One message per (visible notification × subscription of its agent).
async fn deliver(db: &Db, pusher: &Pusher, ids: &[i64]) -> Result<(), sqlx::Error> {
    // Visible now: she is active, and an administrator or a member of the inbox.
    let sql = format!(
        "SELECT {} {} WHERE n.id IN ({}) AND a.active = 1 AND {}",
        super::DETAIL_COLUMNS,
        super::DETAIL_FROM,
        placeholders(1, ids.len()),
        sees_inbox("c.inbox_id")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut messages: Vec<(i64, Vec<u8>)> = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get("kind")?;
        let locale: String = row.try_get("locale")?;
        let payload = payload(
            NotificationKind::parse(&kind).unwrap_or_default(),
            &locale,
            row.try_get("display_id")?,
            row.try_get::<Option<String>, _>("actor_name")?
                .unwrap_or_default(),
            row.try_get("body")?,
            row.try_get("conversation_id")?,
        );
        messages.push((
            row.try_get("agent_id")?,
            serde_json::to_vec(&payload).unwrap_or_default(),
        ));
    }
    let mut agents: Vec<i64> = messages.iter().map(|(a, _)| *a).collect();
    agents.sort_unstable();
    agents.dedup();
    if agents.is_empty() {
        return Ok(());
    }
    let subscriptions = subscriptions_of(db, &agents).await?;
    // Owned jobs, collected before the stream: borrowed ones make the spawned task's
    // future not provably `Send` for every lifetime.
    let mut jobs = Vec::new();
    for (agent, body) in &messages {
        for subscription in subscriptions.iter().filter(|s| s.agent_id == *agent) {
            let (subscription, body) = (subscription.clone(), body.clone());
            jobs.push(async move { (subscription.id, pusher.send(&subscription, &body).await) });
        }
    }
    let outcomes: Vec<(i64, Outcome)> = futures::stream::iter(jobs)
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    record(db, &outcomes).await
}

pub async fn subscriptions_of(db: &Db, agents: &[i64]) -> Result<Vec<Subscription>, sqlx::Error> {
    let sql = format!(
        "SELECT ps.id, ps.agent_id, ps.endpoint, ps.p256dh, ps.auth FROM push_subscriptions ps \
         JOIN sessions s ON s.token_hash = ps.session_hash AND s.expires_at > $1 WHERE ps.agent_id IN ({})",
        placeholders(2, agents.len())
    );
    let mut query = sqlx::query(&sql).bind(now_ms());
    for agent in agents {
        query = query.bind(*agent);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Subscription {
                id: r.try_get("id")?,
                agent_id: r.try_get("agent_id")?,
                endpoint: r.try_get("endpoint")?,
                p256dh: r.try_get("p256dh")?,
                auth: r.try_get("auth")?,
            })
        })
        .collect()
}

/// Gone subscriptions are deleted; failures counted (ten in a row delete it too).
async fn record(db: &Db, outcomes: &[(i64, Outcome)]) -> Result<(), sqlx::Error> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for (id, outcome) in outcomes {
        match outcome {
            Outcome::Delivered => {
                sqlx::query(
                    "UPDATE push_subscriptions SET failures = 0, last_sent_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(*id)
                .execute(tx.conn())
                .await?;
            }
            Outcome::Gone => {
                sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
                    .bind(*id)
                    .execute(tx.conn())
                    .await?;
            }
            Outcome::Failed(reason) => {
                tracing::info!(subscription = id, %reason, "push not delivered");
                sqlx::query("UPDATE push_subscriptions SET failures = failures + 1 WHERE id = $1")
                    .bind(*id)
                    .execute(tx.conn())
                    .await?;
            }
        }
    }
    sqlx::query("DELETE FROM push_subscriptions WHERE failures >= 10")
        .execute(tx.conn())
        .await?;
    tx.finish().await
}
