//! "Every new conversation" notices, told after the customer's message rather than
//! inside it: her transaction queues one row, and this worker turns it into a
//! notification per agent who asked (thousands, on a large desk) in a transaction of
//! its own. The visitor's request never waits for the desk's size, and who is told is
//! decided by who may see the inbox at that moment. The push worker then sends them.
use std::time::Duration;

use sqlx::Row;

use super::create::{new_conversation_listeners, notify_in_tx, Notice};
use crate::db::{now_ms, Backend, Db, WriteTx};
use crate::live::hub::Hub;
use crate::notifications::model::NotificationKind;

/// A row failing this many times is left aside (logged), not retried for ever.
const ATTEMPTS: i64 = 5;
/// Also looked at this often without a wake-up (another replica's crash, a lost wake).
const POLL: Duration = Duration::from_secs(10);

/// Queues the notices of a conversation a customer opened, when anyone in the account
/// asked to hear of new conversations (most desks: nobody, and nothing is written).
pub async fn queue_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversation_id: i64,
) -> Result<(), sqlx::Error> {
    let asked: Option<i64> = sqlx::query_scalar(
        "SELECT p.agent_id FROM notification_prefs p JOIN agents a ON a.id = p.agent_id \
         WHERE p.kind = 'new_conversation' AND (p.push = 1 OR p.email = 1 OR p.sound = 1) \
         AND a.account_id = $1 AND a.active = 1 LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(tx.conn())
    .await?;
    if asked.is_none() {
        return Ok(());
    }
    // Her message's preview now: by the time the row is read, an automatic reply may
    // be the conversation's latest.
    sqlx::query(
        "INSERT INTO notification_fanouts (account_id, conversation_id, preview, attempts, created_at) \
         SELECT $1, id, last_message_preview, 0, $3 FROM conversations WHERE id = $2",
    )
    .bind(account_id)
    .bind(conversation_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Runs the worker for the life of the process.
pub fn spawn(db: Db, hub: Hub) {
    tokio::spawn(async move {
        loop {
            if let Err(err) = expand_all(&db, &hub).await {
                tracing::warn!(error = %err, "new-conversation notices failed; retrying");
            }
            tokio::select! {
                _ = hub.fanouts_woken() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Tells every queued new conversation to the agents who asked, one transaction per
/// conversation (its notifications and their live events); how many were told.
pub async fn expand_all(db: &Db, hub: &Hub) -> Result<usize, sqlx::Error> {
    let mut told = 0;
    loop {
        // A plain read first: most wake-ups find nothing, and need no write turn.
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM notification_fanouts WHERE attempts < $1 ORDER BY id LIMIT 1",
        )
        .bind(ATTEMPTS)
        .fetch_optional(&db.pool)
        .await?;
        if waiting.is_none() {
            return Ok(told);
        }
        match expand_one(db, hub).await {
            Ok(true) => told += 1,
            Ok(false) => return Ok(told),
            Err((id, err)) => {
                tracing::warn!(error = %err, fanout = id, "new-conversation notices failed");
                let mut tx = db.begin_write().await?;
                sqlx::query(
                    "UPDATE notification_fanouts SET attempts = attempts + 1 WHERE id = $1",
                )
                .bind(id)
                .execute(tx.conn())
                .await?;
                tx.finish().await?;
            }
        }
    }
}

/// The oldest queued row, told and removed; `false` when there was none (another
/// replica took it). A failure names the row, whose transaction was rolled back.
async fn expand_one(db: &Db, hub: &Hub) -> Result<bool, (i64, sqlx::Error)> {
    let mut tx = db.begin_write().await.map_err(|e| (0, e))?;
    // Another replica's worker skips the row this one holds.
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let queued = sqlx::query(&format!(
        "SELECT id, conversation_id, preview FROM notification_fanouts WHERE attempts < $1 \
         ORDER BY id LIMIT 1{lock}"
    ))
    .bind(ATTEMPTS)
    .fetch_optional(tx.conn())
    .await
    .map_err(|e| (0, e))?;
    let Some(queued) = queued else {
        tx.finish().await.map_err(|e| (0, e))?;
        return Ok(false);
    };
    let id: i64 = queued.try_get("id").map_err(|e| (0, e))?;
    let told = async {
        let conversation_id: i64 = queued.try_get("conversation_id")?;
        let preview: Option<String> = queued.try_get("preview")?;
        sqlx::query("DELETE FROM notification_fanouts WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        // Where the conversation is now (gone: nobody is told).
        let place: Option<(i64, i64)> =
            sqlx::query_as("SELECT account_id, inbox_id FROM conversations WHERE id = $1")
                .bind(conversation_id)
                .fetch_optional(tx.conn())
                .await?;
        if let Some((account_id, inbox_id)) = place {
            let listeners = new_conversation_listeners(&mut tx, account_id, inbox_id).await?;
            let notice = Notice {
                kind: NotificationKind::NewConversation,
                conversation_id,
                message_id: None,
                actor_agent_id: None,
                preview,
            };
            notify_in_tx(&mut tx, &notice, &listeners).await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await;
    match told {
        Ok(()) => hub.commit(tx).await.map(|_| true).map_err(|e| (id, e)),
        Err(err) => Err((id, err)),
    }
}
