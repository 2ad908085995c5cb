//! Recording what a channel answered: on the outbox row (done, retry later with
//! backoff, failed) and on the message, whose new delivery state is one more event.
use crate::channels::adapter::{Delivery, OutboundMessage};
use crate::conversations::ssr::messages::messages_by_id_in_tx;
use crate::db::{now_ms, placeholders, Backend, Db};
use crate::domain::DeliveryStatus;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Attempts before a temporary failure counts as final.
const MAX_ATTEMPTS: i64 = 8;

/// A message handed to its channel, with the channel's answer.
pub(super) struct Handed {
    pub outbox_id: i64,
    pub account_id: i64,
    pub message: OutboundMessage,
    pub outcome: Delivery,
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
pub(super) async fn record(db: &Db, hub: &Hub, handed: Vec<Handed>) -> Result<(), sqlx::Error> {
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
    hub.commit(tx).await?;
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
