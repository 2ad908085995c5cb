//! The agent's "retry": a failed message goes back in the queue.
use crate::conversations::ssr::messages::message_in_tx;
use crate::db::{now_ms, Db};
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

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
    tx.queue_outbound();
    hub.commit(tx).await?;
    Ok(true)
}
