//! The sender: claims due deliveries with a lease (a crashed replica's claims expire
//! and are taken again), POSTs each with its signature, and records the outcome: 2xx
//! is delivered; anything else is retried with backoff, then failed.
//!
//! The signature is Chatwoot's: `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256 of
//! "{timestamp}.{body}" under the webhook's secret>`, with `X-Chatwoot-Timestamp`
//! (unix seconds) and `X-Chatwoot-Delivery` (the delivery's id, the same on retries).
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use tokio::sync::Notify;

use crate::channels::outbound::OutboundPolicy;
use crate::db::{now_ms, Db};
use crate::secrets::SecretBox;

/// Deliveries claimed at once.
const BATCH: i64 = 100;
/// Deliveries in flight at once.
const IN_FLIGHT: usize = 32;
/// A claim is another replica's for this long.
const LEASE_MS: i64 = 60_000;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Waits before each retry; after the last one the delivery has failed.
pub const BACKOFF_SECS: &[i64] = &[5, 30, 120, 600, 1800, 3600, 3 * 3600];
/// Also looked at this often without a wake-up (retries come due, other replicas).
const POLL: Duration = Duration::from_secs(1);
/// The longest receiver answer or error kept in the log.
const ERROR_MAX: usize = 300;

pub struct Sender {
    db: Db,
    secrets: SecretBox,
    client: reqwest::Client,
}

impl Sender {
    pub fn new(db: Db, secrets: SecretBox, policy: &OutboundPolicy) -> Sender {
        let client = reqwest::Client::builder()
            .dns_resolver(policy.resolver())
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Charla-Webhooks")
            .build()
            .expect("an HTTP client");
        Sender {
            db,
            secrets,
            client,
        }
    }
}

/// Delivered and failed deliveries are kept this long (the log), then removed.
pub const LOG_KEPT_MS: i64 = 7 * 24 * 3600 * 1000;
/// How often old deliveries are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Runs the sender for the life of the process.
pub fn spawn(sender: Sender, woken: Arc<Notify>) {
    tokio::spawn(async move {
        let mut pruned = tokio::time::Instant::now() - PRUNE_EVERY;
        loop {
            if let Err(err) = run_once(&sender).await {
                tracing::warn!(error = %err, "webhook delivery failed; retrying");
            }
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = tokio::time::Instant::now();
                if let Err(err) = prune(&sender.db, now_ms() - LOG_KEPT_MS).await {
                    tracing::warn!(error = %err, "removing old webhook deliveries failed");
                }
            }
            tokio::select! {
                _ = woken.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

struct Due {
    id: i64,
    url: String,
    secret: String,
    payload: String,
    attempts: i64,
}

/// Sends every due delivery; how many were tried.
pub async fn run_once(sender: &Sender) -> Result<usize, sqlx::Error> {
    let mut tried = 0;
    loop {
        let due = claim(sender).await?;
        if due.is_empty() {
            return Ok(tried);
        }
        tried += due.len();
        let outcomes: Vec<(Due, Result<u16, String>)> = futures::stream::iter(due)
            .map(|d| async move {
                let outcome = post(sender, &d).await;
                (d, outcome)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        // One commit for the batch's outcomes.
        let mut tx = sender.db.begin_write().await?;
        for (due, outcome) in &outcomes {
            record(&mut tx, due, outcome).await?;
        }
        tx.finish().await?;
    }
}

async fn claim(sender: &Sender) -> Result<Vec<Due>, sqlx::Error> {
    let now = now_ms();
    let ids: Vec<i64> = {
        let _turn = sender.db.write_turn().await;
        sqlx::query_scalar(
            "UPDATE webhook_deliveries SET claimed_until = $1 WHERE id IN (SELECT id FROM webhook_deliveries \
             WHERE state = 'pending' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY id LIMIT $3) RETURNING id",
        )
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(BATCH)
        .fetch_all(&sender.db.pool)
        .await?
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT d.id, d.payload, d.attempts, w.url, w.secret_sealed FROM webhook_deliveries d \
         JOIN webhooks w ON w.id = d.webhook_id WHERE d.id IN ({}) ORDER BY d.id",
        crate::db::placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&sender.db.pool).await?;
    rows.iter()
        .map(|r| {
            let sealed: String = r.try_get("secret_sealed")?;
            Ok(Due {
                id: r.try_get("id")?,
                url: r.try_get("url")?,
                secret: sender.secrets.open(&sealed).unwrap_or_default(),
                payload: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Removes finished deliveries made before `before`; how many.
pub async fn prune(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let _turn = db.write_turn().await;
    let done =
        sqlx::query("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1")
            .bind(before)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected())
}

/// `sha256=<hex>` of `"{timestamp}.{body}"` under the secret.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post(sender: &Sender, due: &Due) -> Result<u16, String> {
    let timestamp = now_ms() / 1000;
    let res = sender
        .client
        .post(&due.url)
        .header("content-type", "application/json")
        .header(
            "x-chatwoot-signature",
            signature(&due.secret, timestamp, &due.payload),
        )
        .header("x-chatwoot-timestamp", timestamp.to_string())
        .header("x-chatwoot-delivery", due.id.to_string())
        .body(due.payload.clone())
        .send()
        .await
        .map_err(|e| {
            let refusal = crate::channels::outbound::find_refusal(&e).map(|r| r.to_string());
            refusal.unwrap_or_else(|| e.to_string())
        })?;
    Ok(res.status().as_u16())
}

async fn record(
    tx: &mut crate::db::WriteTx,
    due: &Due,
    outcome: &Result<u16, String>,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let attempts = due.attempts + 1;
    let (status, error) = match &outcome {
        Ok(code) => (Some(i64::from(*code)), None),
        Err(err) => (None, Some(err.chars().take(ERROR_MAX).collect::<String>())),
    };
    let delivered = matches!(outcome, Ok(code) if (200..300).contains(code));
    let (state, next) = if delivered {
        ("delivered", now)
    } else {
        match BACKOFF_SECS.get(due.attempts as usize) {
            Some(wait) => ("pending", now + wait * 1000),
            None => ("failed", now),
        }
    };
    let error =
        error.or_else(|| (!delivered).then(|| format!("HTTP {}", status.unwrap_or_default())));
    sqlx::query(
        "UPDATE webhook_deliveries SET state = $1, attempts = $2, next_attempt_at = $3, claimed_until = NULL, \
         last_status = $4, last_error = $5, delivered_at = $6 WHERE id = $7",
    )
    .bind(state)
    .bind(attempts)
    .bind(next)
    .bind(status)
    .bind(&error)
    .bind(delivered.then_some(now))
    .bind(due.id)
    .execute(tx.conn())
    .await?;
    if let (false, Some(error)) = (delivered, &error) {
        // A rule's call that failed is the rule's last error too (on its card).
        sqlx::query(
            "UPDATE automation_rules SET last_error = $1, last_error_at = $2 WHERE id = \
             (SELECT w.rule_id FROM webhooks w JOIN webhook_deliveries d ON d.webhook_id = w.id WHERE d.id = $3)",
        )
        .bind(format!("webhook {}: {error}", super::dispatch::truncated(&due.url)))
        .bind(now)
        .bind(due.id)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}
