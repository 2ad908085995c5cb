//! The event log: append inside a write transaction, read back for resuming sockets.
use sqlx::Row;

use super::{now_ms, Backend, WriteTx};
use crate::events::{EventEnvelope, EventScope, LiveEvent};

/// PostgreSQL channel on which every replica hears committed events; the insert's
/// trigger sends them (migration 0012), larger ones as a reference to read back.
pub const NOTIFY_CHANNEL: &str = "charla_events";
/// Where "is writing" and "read" signals travel between replicas (never stored).
pub const SIGNALS_CHANNEL: &str = "charla_signals";

impl WriteTx {
    /// Appends an event to the transaction; it is written when the transaction commits
    /// (see [`WriteTx::append_events`]).
    pub async fn append_event(
        &mut self,
        account_id: i64,
        scope: EventScope,
        event: LiveEvent,
    ) -> Result<(), sqlx::Error> {
        self.append_events(account_id, vec![(scope, event)]).await
    }

    /// Appends events in the given order. They are written when the transaction
    /// commits, after everything else it writes (or at [`WriteTx::flush_events`]): on
    /// PostgreSQL writing them takes the account's event lock, held until commit, and
    /// a transaction that took it before the rows it then writes would deadlock with
    /// one that took the same rows first (a customer's message and a rule acting on
    /// the same conversation). Ids are handed out when they are written, in order.
    pub async fn append_events(
        &mut self,
        account_id: i64,
        events: Vec<(EventScope, LiveEvent)>,
    ) -> Result<(), sqlx::Error> {
        self.pending.extend(
            events
                .into_iter()
                .map(|(scope, event)| (account_id, scope, event)),
        );
        Ok(())
    }

    /// How many events wait to be written.
    pub fn pending_events(&self) -> usize {
        self.pending.len()
    }

    /// Writes the events appended so far (as few statements as the backend allows) and
    /// returns their ids, in order. Nothing the transaction writes after this belongs
    /// before the account's event lock.
    pub async fn flush_events(&mut self) -> Result<Vec<i64>, sqlx::Error> {
        const PER_STATEMENT: usize = 500;
        let mut rest = std::mem::take(&mut self.pending).into_iter().peekable();
        let mut ids = Vec::new();
        while let Some((account_id, scope, event)) = rest.next() {
            let mut batch = vec![(scope, event)];
            while batch.len() < PER_STATEMENT && rest.peek().is_some_and(|n| n.0 == account_id) {
                if let Some((_, scope, event)) = rest.next() {
                    batch.push((scope, event));
                }
            }
            ids.extend(self.insert_events(account_id, batch).await?);
        }
        Ok(ids)
    }

    async fn insert_events(
        &mut self,
        account_id: i64,
        events: Vec<(EventScope, LiveEvent)>,
    ) -> Result<Vec<i64>, sqlx::Error> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let created_at = now_ms();
        let payloads = events
            .iter()
            .map(|(_, event)| serde_json::to_string(event))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let mut rows = String::new();
        for k in 0..events.len() {
            let b = k * 5;
            if k > 0 {
                rows.push_str(", ");
            }
            rows.push_str(&format!(
                "($1, ${}, ${}, ${}, ${}, ${})",
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        let columns = "account_id, inbox_id, conversation_id, agent_id, payload, created_at";
        let sql = match self.backend {
            Backend::Sqlite => format!("INSERT INTO events ({columns}) VALUES {rows} RETURNING id"),
            // The account's event lock, held until commit, so ids are handed out in
            // commit order and a client resuming "after id N" can never miss one. Taken
            // by the insert itself (its rows are produced only once `held` is), which
            // saves a round trip while the lock is held; its trigger queues the NOTIFYs.
            Backend::Postgres => format!(
                "WITH held AS MATERIALIZED (SELECT pg_advisory_xact_lock(7461, CAST($1 AS INTEGER))) \
                 INSERT INTO events ({columns}) SELECT v.* FROM held, (VALUES {rows}) AS v({columns}) \
                 RETURNING id"
            ),
        };
        let mut insert = sqlx::query(&sql).bind(account_id);
        for ((scope, _), payload) in events.iter().zip(&payloads) {
            insert = insert
                .bind(scope.inbox_id)
                .bind(scope.conversation_id)
                .bind(scope.agent_id)
                .bind(payload.as_str())
                .bind(created_at);
        }
        // Ids come from the sequence in VALUES order; RETURNING's order is not promised.
        let mut ids = insert
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort_unstable();
        let envelopes: Vec<EventEnvelope> = ids
            .into_iter()
            .zip(events)
            .map(|(id, (scope, event))| EventEnvelope {
                id,
                account_id,
                scope,
                created_at,
                event,
            })
            .collect();
        let ids = envelopes.iter().map(|e| e.id).collect();
        self.events.extend(envelopes);
        Ok(ids)
    }
}

fn envelope_from_row(row: &sqlx::any::AnyRow) -> Result<EventEnvelope, sqlx::Error> {
    let payload: String = row.try_get("payload")?;
    let event: LiveEvent =
        serde_json::from_str(&payload).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(EventEnvelope {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        scope: EventScope {
            inbox_id: row.try_get("inbox_id")?,
            conversation_id: row.try_get("conversation_id")?,
            agent_id: row.try_get("agent_id")?,
        },
        created_at: row.try_get("created_at")?,
        event,
    })
}

/// Events of an account after `after_id`, oldest first, at most `limit`.
pub async fn since(
    db: &super::Db,
    account_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<EventEnvelope>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, account_id, inbox_id, conversation_id, agent_id, payload, created_at \
         FROM events WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(account_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(envelope_from_row).collect()
}

/// One event by id (for NOTIFY payloads too large to carry the event inline).
pub async fn by_id(db: &super::Db, id: i64) -> Result<Option<EventEnvelope>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, account_id, inbox_id, conversation_id, agent_id, payload, created_at \
         FROM events WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(envelope_from_row).transpose()
}

/// The newest event id of an account (0 when none), where a fresh client starts.
pub async fn last_id(db: &super::Db, account_id: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS last FROM events WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(&db.pool)
        .await?;
    row.try_get("last")
}

/// The oldest event id still kept for an account (events are pruned by age).
pub async fn first_id(db: &super::Db, account_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT MIN(id) AS first FROM events WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(&db.pool)
        .await?;
    row.try_get("first")
}
