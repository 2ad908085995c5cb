//! The moments Chatwoot's conversation shape carries beside its list row: when agents,
//! the assignee and the customer last looked at it, its first reply and its last change.
//! Integrations read them to tell whether a reply was seen and how fast a team answers.
use std::collections::HashMap;

use sqlx::Row;

use crate::db::{placeholders, Db};
use crate::error::AppError;

/// Unix milliseconds, each absent until it happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moments {
    /// The latest reading by any agent.
    pub agent_seen: Option<i64>,
    /// The latest reading by the agent assigned now.
    pub assignee_seen: Option<i64>,
    /// The customer's latest look (her website chat open and visible, or a Client API front).
    pub contact_seen: Option<i64>,
    /// An agent's first public message (a bot's or a note does not count), as Chatwoot's.
    pub first_reply: Option<i64>,
    /// The conversation's own last change.
    pub updated: i64,
}

/// The moments of these conversations, in one query.
pub async fn of_many(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Moments>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT c.id, c.updated_at, c.contact_last_seen_at, \
           (SELECT MAX(r.last_read_at) FROM conversation_reads r \
             WHERE r.conversation_id = c.id AND r.last_read_at > 0) AS agent_seen, \
           (SELECT MAX(r.last_read_at) FROM conversation_reads r \
             WHERE r.conversation_id = c.id AND r.agent_id = c.assignee_id AND r.last_read_at > 0) AS assignee_seen, \
           (SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id \
             AND m.direction = 'outgoing' AND m.private = 0 AND m.sender_agent_id IS NOT NULL \
             ORDER BY m.id LIMIT 1) AS first_reply \
         FROM conversations c WHERE c.id IN ({})",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut moments = HashMap::with_capacity(ids.len());
    for row in query.fetch_all(&db.pool).await? {
        moments.insert(
            row.try_get::<i64, _>("id")?,
            Moments {
                agent_seen: row.try_get("agent_seen")?,
                assignee_seen: row.try_get("assignee_seen")?,
                contact_seen: row.try_get("contact_last_seen_at")?,
                first_reply: row.try_get("first_reply")?,
                updated: row.try_get("updated_at")?,
            },
        );
    }
    Ok(moments)
}

/// One conversation's moments (all absent if it is gone).
pub async fn of(db: &Db, id: i64) -> Result<Moments, AppError> {
    Ok(of_many(db, &[id]).await?.remove(&id).unwrap_or_default())
}
