//! Which rows are due, and the lease that lets only one worker (of any replica) hand a
//! row to its channel.
use sqlx::Row;

use crate::db::{placeholders, Db};

/// How long a claimed row stays with its worker before another may take it over.
const LEASE_MS: i64 = 60_000;

/// Up to 20 rows due now, oldest first, with what the adapter needs of their message.
pub async fn due(db: &Db, now: i64) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    sqlx::query(
        "SELECT o.id, o.account_id, o.message_id, o.channel_kind, o.attempts, m.conversation_id, m.inbox_id, m.body, \
         m.content_type, \
         (SELECT s.token FROM csat_surveys s WHERE s.message_id = m.id) AS survey_token \
         FROM outbox o JOIN messages m ON m.id = o.message_id \
         WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND (o.locked_until IS NULL OR o.locked_until < $1) \
         ORDER BY o.id LIMIT 20",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Takes a lease on the due rows in one statement (another worker that got to a row
/// first keeps it, and a row another worker has put back for a later retry since `due`
/// was read stays put); returns the ids this worker now holds.
pub async fn lease(
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
