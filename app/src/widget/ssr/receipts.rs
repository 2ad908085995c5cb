//! Read receipts on the website chat, both ways: the visitor's reading turns agents'
//! replies "Leído"; an agent's reading is what her widget shows as "Visto".
use sqlx::Row;

use crate::conversations::ssr::messages::messages_by_id_in_tx;
use crate::db::{now_ms, placeholders, Db};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Replies marked read at once at most (older ones were marked when they were newer).
const AT_MOST: i64 = 100;

/// When an agent last read this conversation.
pub async fn seen_at(db: &Db, conversation_id: i64) -> Result<Option<i64>, AppError> {
    let at: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(last_read_at) FROM conversation_reads WHERE conversation_id = $1 AND last_read_at > 0",
    )
    .bind(conversation_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(at)
}

/// The visitor has read up to message `up_to` in her conversations `mine`: agents'
/// replies there that were sent (not yet read) become read, one event each. Returns
/// how many changed.
pub async fn read_by_visitor(
    db: &Db,
    hub: &Hub,
    mine: &[i64],
    up_to: i64,
) -> Result<usize, AppError> {
    if mine.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    // She is looking: Chatwoot's `contact_last_seen_at`, which the APIs show.
    let list = placeholders(2, mine.len());
    let sql = format!("UPDATE conversations SET contact_last_seen_at = $1 WHERE id IN ({list})");
    let mut seen = sqlx::query(&sql).bind(now_ms());
    for id in mine {
        seen = seen.bind(*id);
    }
    seen.execute(tx.conn()).await?;
    let sql = format!(
        "SELECT id FROM messages WHERE conversation_id IN ({list}) AND id <= $1 \
         AND direction = 'outgoing' AND private = 0 AND delivery_status IN ('sent', 'delivered') \
         ORDER BY id DESC LIMIT {AT_MOST}"
    );
    let mut query = sqlx::query(&sql).bind(up_to);
    for id in mine {
        query = query.bind(*id);
    }
    let ids = query
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        tx.finish().await?;
        return Ok(0);
    }
    let list = placeholders(2, ids.len());
    let sql = format!(
        "UPDATE messages SET delivery_status = 'read', updated_at = $1 WHERE id IN ({list})"
    );
    let mut update = sqlx::query(&sql).bind(now_ms());
    for id in &ids {
        update = update.bind(*id);
    }
    update.execute(tx.conn()).await?;
    let views = messages_by_id_in_tx(tx.conn(), &ids).await?;
    let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM conversations WHERE id = $1")
        .bind(mine[0])
        .fetch_one(tx.conn())
        .await?;
    let events: Vec<_> = views
        .into_iter()
        .map(|view| {
            (
                EventScope {
                    inbox_id: Some(view.inbox_id),
                    conversation_id: Some(view.conversation_id),
                    agent_id: None,
                },
                LiveEvent::MessageUpdated { message: view },
            )
        })
        .collect();
    let changed = events.len();
    tx.append_events(account_id, events).await?;
    hub.commit(tx).await?;
    Ok(changed)
}
