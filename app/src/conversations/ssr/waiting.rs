//! Conversations left waiting because nobody could take them (nobody online, or all
//! at their limit) go, oldest waiting first, to whoever can take them now: an agent
//! who comes online, one whose conversation was resolved. Run by a worker, woken when
//! someone comes online; on every replica (the inbox lock and a re-read make a
//! conversation go to one agent only).
use super::access::summary_in_tx;
use super::actions::{changed, scope};
use super::activity;
use super::assignment::{lock_inbox, pick_in_tx, settings};
use crate::db::{now_ms, Db};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::live::hub::Hub;

/// At most this many conversations per inbox per round; the next round takes more.
const PER_ROUND: i64 = 50;

/// Hands out waiting conversations; how many were assigned.
pub async fn assign_waiting(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    // Only inboxes where somebody is online can hand anything out.
    let inboxes: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT i.id, i.account_id FROM inboxes i WHERE EXISTS (SELECT 1 FROM inbox_members m \
         JOIN agents a ON a.id = m.agent_id WHERE m.inbox_id = i.id AND a.active = 1 AND a.availability = 'online') \
         ORDER BY i.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut assigned = 0;
    for (inbox_id, account_id) in inboxes {
        let mut conn = db.pool.acquire().await?;
        if !settings(&mut conn, inbox_id).await?.enabled {
            continue;
        }
        let waiting: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE inbox_id = $1 AND status = 'open' AND assignee_id IS NULL \
             ORDER BY COALESCE(waiting_since, created_at), id LIMIT $2",
        )
        .bind(inbox_id)
        .bind(PER_ROUND)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        for conversation_id in waiting {
            let mut tx = db.begin_write().await?;
            lock_inbox(&mut tx, inbox_id).await?;
            // Another replica (or a teammate) may have taken it meanwhile.
            let before = summary_in_tx(tx.conn(), conversation_id).await?;
            if before.assignee_id.is_some() || before.status != ConversationStatus::Open {
                tx.finish().await?;
                continue;
            }
            let Some(picked) = pick_in_tx(&mut tx, inbox_id, before.team_id).await? else {
                // Nobody has room: the rest of this inbox waits too.
                tx.finish().await?;
                break;
            };
            let now = now_ms();
            sqlx::query("UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id = $3")
                .bind(picked.id)
                .bind(now)
                .bind(conversation_id)
                .execute(tx.conn())
                .await?;
            let after = summary_in_tx(tx.conn(), conversation_id).await?;
            tx.append_event(account_id, scope(&before), changed(&before, &after))
                .await?;
            let line = [(conversation_id, inbox_id)];
            activity::picked_in_tx(&mut tx, account_id, &line, &picked, now).await?;
            hub.commit(tx).await?;
            assigned += 1;
        }
    }
    Ok(assigned)
}
