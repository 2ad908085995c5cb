//! What the database keeps only for a while: sessions until they expire, sign-in
//! failures for the throttle's longest window, the event log for its retention (a
//! client resuming from before the cut is told to reload).
use super::{now_ms, Db};

/// Deletes expired sessions, sign-in failures older than `keep_failures_ms` and events
/// older than the retention; returns how many sessions and events went.
pub async fn sweep(
    db: &Db,
    event_retention_days: i64,
    keep_failures_ms: i64,
) -> Result<(u64, u64), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected();
    let events = sqlx::query("DELETE FROM events WHERE created_at < $1")
        .bind(now - event_retention_days * 24 * 3600 * 1000)
        .execute(tx.conn())
        .await?
        .rows_affected();
    // What the automation's own actions caused goes with the events themselves.
    sqlx::query(
        "DELETE FROM automation_event_origins WHERE event_id < (SELECT COALESCE(MIN(id), 0) FROM events)",
    )
    .execute(tx.conn())
    .await?;
    // A wait that ended (an agent answered) needs no claim; one still going keeps it
    // whatever the conversation's status, or a rule would act on it again.
    sqlx::query(
        "DELETE FROM automation_no_reply_runs WHERE NOT EXISTS (SELECT 1 FROM conversations c \
         WHERE c.id = automation_no_reply_runs.conversation_id \
         AND c.waiting_since = automation_no_reply_runs.waiting_since)",
    )
    .execute(tx.conn())
    .await?;
    // A mailing's Message-ID threads an answer back for half a year; failed ones go too.
    sqlx::query("DELETE FROM widget_mailings WHERE state <> 'pending' AND created_at < $1")
        .bind(now - 180 * 24 * 3600 * 1000)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(now - keep_failures_ms)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    if sessions + events > 0 {
        tracing::info!(sessions, events, "maintenance: deleted expired rows");
    }
    Ok((sessions, events))
}
