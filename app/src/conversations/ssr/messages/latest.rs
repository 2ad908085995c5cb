//! Messages as the Chatwoot-compatible API reads them: each conversation's latest
//! message for a list page, and a window of a conversation's history around ids.
use super::read::{attach_mentions, message_from_row, MESSAGE_SELECT};
use crate::conversations::model::MessageView;
use crate::conversations::ssr::access::{visible_conversation, Viewer};
use crate::db::{placeholders, Db};
use crate::error::AppError;

/// Messages before an id (or the newest) in one window, as Chatwoot gives them.
pub const WINDOW_BEFORE: i64 = 20;
/// Messages after an id in one window.
pub const WINDOW_AFTER: i64 = 100;

/// The latest message that is not an activity line of each conversation (by internal
/// id), in no particular order; one query for a whole page.
pub async fn last_of(db: &Db, conversation_ids: &[i64]) -> Result<Vec<MessageView>, AppError> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.id IN (SELECT MAX(l.id) FROM messages l WHERE l.conversation_id IN ({}) \
         AND l.direction <> 'activity' GROUP BY l.conversation_id)",
        placeholders(1, conversation_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in conversation_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// The latest message each conversation's customer wrote (not a note), in no
/// particular order: what a rule's trial reads as "the message received".
pub async fn last_from_customer(
    conn: &mut sqlx::AnyConnection,
    conversation_ids: &[i64],
) -> Result<Vec<MessageView>, AppError> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.id IN (SELECT MAX(l.id) FROM messages l WHERE l.conversation_id IN ({}) \
         AND l.direction = 'incoming' AND l.private = 0 GROUP BY l.conversation_id)",
        placeholders(1, conversation_ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in conversation_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(conn).await?;
    Ok(rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// Oldest first: the newest [`WINDOW_BEFORE`] messages before `before` (or of all),
/// or, with `after`, up to [`WINDOW_AFTER`] after it (and before `before`, if given).
pub async fn window(
    db: &Db,
    viewer: Viewer,
    conversation_id: i64,
    before: Option<i64>,
    after: Option<i64>,
) -> Result<Vec<MessageView>, AppError> {
    visible_conversation(db, viewer, conversation_id).await?;
    let (order, limit) = match after {
        Some(_) => ("ASC", WINDOW_AFTER),
        None => ("DESC", WINDOW_BEFORE),
    };
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.id < $2 AND m.id > $3 \
         ORDER BY m.id {order} LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(conversation_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(after.unwrap_or(0))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    let mut items = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    if after.is_none() {
        items.reverse();
    }
    let mut conn = db.pool.acquire().await?;
    attach_mentions(&mut conn, &mut items).await?;
    Ok(items)
}
