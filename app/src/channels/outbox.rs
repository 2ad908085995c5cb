//! The outbox worker: claims due rows (a lease, so replicas never send twice), asks the
//! channel adapter to deliver, and records the outcome on the message, as an event.
//! Temporary failures are retried with exponential backoff.
use futures::future::BoxFuture;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;

use crate::conversations::ssr::messages::{message_in_tx, messages_by_id_in_tx};
use crate::db::{now_ms, placeholders, Backend, Db};
use crate::domain::{ChannelKind, DeliveryStatus};
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

const LEASE_MS: i64 = 60_000;
const MAX_ATTEMPTS: i64 = 8;

/// What an adapter is handed.
#[derive(Debug, Clone)]
pub struct OutboundMessage {
    pub message_id: i64,
    pub conversation_id: i64,
    pub inbox_id: i64,
    pub body: String,
    pub attempt: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sent {
        external_id: Option<String>,
    },
    /// Try again later (network error, 429, 5xx).
    Retry {
        error: String,
    },
    /// Give up: shown on the message with a manual retry.
    Failed {
        error: String,
    },
}

pub trait Adapter: Send + Sync {
    fn deliver<'a>(&'a self, message: &'a OutboundMessage) -> BoxFuture<'a, Delivery>;

    /// Whether handing a message over again is harmless (nothing leaves the process).
    /// Such outcomes are recorded together, in one transaction per pass; after a crash
    /// before that commit the message is simply handed over again.
    fn repeatable(&self) -> bool {
        false
    }
}

pub type Adapters = HashMap<ChannelKind, Arc<dyn Adapter>>;

fn signal() -> &'static Notify {
    static SIGNAL: OnceLock<Notify> = OnceLock::new();
    SIGNAL.get_or_init(Notify::new)
}

/// Tells the worker there is something to send now (it also polls every second).
pub fn wake() {
    signal().notify_one();
}

pub fn spawn(db: Db, hub: Hub, adapters: Adapters) {
    tokio::spawn(async move {
        loop {
            match run_once(&db, &hub, &adapters).await {
                Ok(0) => {
                    let _ = tokio::time::timeout(Duration::from_secs(1), signal().notified()).await;
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "outbox pass failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}

/// One pass over due rows; returns how many were handled.
pub async fn run_once(db: &Db, hub: &Hub, adapters: &Adapters) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let due = sqlx::query(
        "SELECT o.id, o.account_id, o.message_id, o.channel_kind, o.attempts, m.conversation_id, m.inbox_id, m.body \
         FROM outbox o JOIN messages m ON m.id = o.message_id \
         WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND (o.locked_until IS NULL OR o.locked_until < $1) \
         ORDER BY o.id LIMIT 20",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let claimed = claim(db, &due, now).await?;
    let mut handled = 0;
    let mut repeatable = Vec::new();
    for row in due {
        let outbox_id: i64 = row.try_get("id")?;
        if !claimed.contains(&outbox_id) {
            continue;
        }
        let channel: String = row.try_get("channel_kind")?;
        let message = OutboundMessage {
            message_id: row.try_get("message_id")?,
            conversation_id: row.try_get("conversation_id")?,
            inbox_id: row.try_get("inbox_id")?,
            body: row.try_get("body")?,
            attempt: row.try_get::<i64, _>("attempts")? + 1,
        };
        let adapter = ChannelKind::parse(&channel).and_then(|kind| adapters.get(&kind));
        let outcome = match adapter {
            Some(adapter) => adapter.deliver(&message).await,
            None => Delivery::Failed {
                error: "channel_unavailable".into(),
            },
        };
        let done = Handed {
            outbox_id,
            account_id: row.try_get("account_id")?,
            message,
            outcome,
        };
        handled += 1;
        if adapter.is_some_and(|a| a.repeatable()) {
            repeatable.push(done);
        } else {
            // Recorded right after the channel answered: a crash between the answer and
            // its record sends that one message again, never more. Earlier outcomes are
            // recorded first, so events keep the order of the queue.
            record(db, hub, std::mem::take(&mut repeatable)).await?;
            record(db, hub, vec![done]).await?;
        }
    }
    record(db, hub, repeatable).await?;
    Ok(handled)
}

/// A message handed to its channel, with the channel's answer.
struct Handed {
    outbox_id: i64,
    account_id: i64,
    message: OutboundMessage,
    outcome: Delivery,
}

/// Takes a lease on the due rows in one statement (another worker that got to a row
/// first keeps it, and a row another worker has put back for a later retry since `due`
/// was read stays put); returns the ids this worker now holds.
async fn claim(
    db: &Db,
    due: &[sqlx::any::AnyRow],
    now: i64,
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let ids = due
        .iter()
        .map(|row| row.try_get::<i64, _>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let list = placeholders(3, ids.len());
    let sql = format!(
        "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id IN ({list}) \
         AND state = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2) \
         RETURNING id"
    );
    let mut q = sqlx::query(&sql).bind(now + LEASE_MS).bind(now);
    for id in &ids {
        q = q.bind(*id);
    }
    // One statement is its own transaction: no BEGIN and COMMIT round trips, which on
    // SQLite would hold the write turn that replies wait for.
    let _turn = db.write_turn().await;
    let rows = q.fetch_all(&db.pool).await?;
    rows.iter().map(|row| row.try_get::<i64, _>("id")).collect()
}

/// What an outcome writes on the outbox row and the message.
#[derive(PartialEq)]
struct Recorded {
    state: &'static str,
    status: DeliveryStatus,
    error: Option<String>,
    external_id: Option<String>,
    next_attempt: i64,
}

impl Recorded {
    /// What the message shows: the error only once it has failed for good.
    fn message_error(&self) -> Option<&str> {
        if self.status == DeliveryStatus::Failed {
            self.error.as_deref()
        } else {
            None
        }
    }

    fn of(outcome: Delivery, attempt: i64, now: i64) -> Self {
        let (state, status, error, external_id, next_attempt) = match outcome {
            Delivery::Sent { external_id } => {
                ("done", DeliveryStatus::Sent, None, external_id, now)
            }
            Delivery::Retry { error } if attempt < MAX_ATTEMPTS => {
                let backoff = 1_000 * 2_i64.pow(attempt.min(10) as u32);
                (
                    "pending",
                    DeliveryStatus::Sending,
                    Some(error),
                    None,
                    now + backoff,
                )
            }
            Delivery::Retry { error } | Delivery::Failed { error } => {
                ("failed", DeliveryStatus::Failed, Some(error), None, now)
            }
        };
        Recorded {
            state,
            status,
            error,
            external_id,
            next_attempt,
        }
    }
}

/// Records outcomes on their outbox rows and messages, in one transaction, and appends
/// each message's new state as an event (one append per account, after the updates).
/// Equal outcomes (a pass of web-chat messages: all "sent") share one update call.
///
/// The messages' views are read before the transaction and given their new delivery
/// state here: on SQLite the transaction holds the write turn that replies wait for,
/// and those reads were two of its round trips. A message's delivery fields change only
/// here while it is being handed over (a channel's status webhook finds the message by
/// the id the channel gave it, which is stored here); the one other thing its view shows
/// that can change meanwhile is the sender's name, if the agent renames themselves in
/// that moment, which the next read of the conversation shows.
async fn record(db: &Db, hub: &Hub, handed: Vec<Handed>) -> Result<(), sqlx::Error> {
    if handed.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = handed.iter().map(|done| done.message.message_id).collect();
    let mut views = {
        let mut conn = db.pool.acquire().await?;
        messages_by_id_in_tx(&mut conn, &ids).await?.into_iter()
    };
    let now = now_ms();
    let mut groups: Vec<(Recorded, Vec<(i64, i64)>)> = Vec::new();
    let mut events: Vec<(i64, Vec<(EventScope, LiveEvent)>)> = Vec::new();
    for done in &handed {
        let recorded = Recorded::of(done.outcome.clone(), done.message.attempt, now);
        // In the order of `ids`; a message is never deleted while it has an outbox row.
        let Some(mut view) = views.next().filter(|v| v.id == done.message.message_id) else {
            return Err(sqlx::Error::RowNotFound);
        };
        view.delivery_status = Some(recorded.status);
        view.delivery_error = recorded.message_error().map(str::to_owned);
        let event = (
            EventScope {
                inbox_id: Some(done.message.inbox_id),
                conversation_id: Some(done.message.conversation_id),
                agent_id: None,
            },
            LiveEvent::MessageUpdated { message: view },
        );
        match events
            .iter_mut()
            .find(|(account, _)| *account == done.account_id)
        {
            Some((_, list)) => list.push(event),
            None => events.push((done.account_id, vec![event])),
        }
        let ids = (done.outbox_id, done.message.message_id);
        match groups.iter_mut().find(|(r, _)| *r == recorded) {
            Some((_, list)) => list.push(ids),
            None => groups.push((recorded, vec![ids])),
        }
    }
    let mut tx = db.begin_write().await?;
    for (recorded, ids) in &groups {
        let sql = record_sql(tx.backend, ids.len());
        let mut query = sqlx::query(&sql)
            .bind(recorded.state)
            .bind(recorded.error.as_deref())
            .bind(recorded.next_attempt)
            .bind(now)
            .bind(recorded.status.as_str())
            .bind(recorded.message_error())
            .bind(recorded.external_id.as_deref());
        for (outbox_id, _) in ids {
            query = query.bind(*outbox_id);
        }
        for (_, message_id) in ids {
            query = query.bind(*message_id);
        }
        query.execute(tx.conn()).await?;
    }
    for (account_id, list) in events {
        tx.append_events(account_id, list).await?;
    }
    tx.commit(hub).await?;
    Ok(())
}

/// The outbox rows' and the messages' updates for `count` outcomes alike, in one round
/// trip: two statements in one call on SQLite (`$n` is the n-th argument in each), one
/// statement with a CTE on PostgreSQL. $1 state, $2 last error, $3 next attempt, $4 now,
/// $5 delivery status, $6 the message's error, $7 external id, then the outbox ids and
/// the message ids.
fn record_sql(backend: Backend, count: usize) -> String {
    let outbox_ids = placeholders(8, count);
    let message_ids = placeholders(8 + count, count);
    let outbox = format!(
        "UPDATE outbox SET state = $1, last_error = $2, next_attempt_at = $3, locked_until = NULL, updated_at = $4 \
         WHERE id IN ({outbox_ids})"
    );
    let messages = format!(
        "UPDATE messages SET delivery_status = $5, delivery_error = $6, external_id = COALESCE($7, external_id), \
         updated_at = $4 WHERE id IN ({message_ids})"
    );
    match backend {
        Backend::Sqlite => format!("{outbox}; {messages}"),
        Backend::Postgres => format!("WITH o AS ({outbox}) {messages}"),
    }
}

/// Puts a failed message back in the queue (the agent's "retry").
pub async fn retry(db: &Db, hub: &Hub, message_id: i64) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL, updated_at = $1 \
         WHERE message_id = $2 AND state = 'failed'",
    )
    .bind(now)
    .bind(message_id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE messages SET delivery_status = 'sending', delivery_error = NULL, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(message_id)
        .execute(tx.conn())
        .await?;
    let view = message_in_tx(tx.conn(), message_id).await?;
    let account_id =
        crate::conversations::ssr::messages::account_of(&mut tx, view.conversation_id).await?;
    tx.append_event(
        account_id,
        EventScope {
            inbox_id: Some(view.inbox_id),
            conversation_id: Some(view.conversation_id),
            agent_id: None,
        },
        LiveEvent::MessageUpdated { message: view },
    )
    .await?;
    tx.commit(hub).await?;
    wake();
    Ok(true)
}
