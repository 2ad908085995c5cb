//! Notifications on the server: written in the transaction of what caused them
//! (`create`), read by the bell, and delivered beyond the tab by Web Push (`push`,
//! signed with the installation's VAPID key, `vapid`) and by email (`email`) as each
//! agent chose (`prefs`). Notices of every new conversation are queued and written by
//! the push worker (`fanout`).
use sqlx::Row;

use super::model::{NotificationKind, NotificationView};
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;

pub mod create;
pub mod email;
pub mod fanout;
pub mod prefs;
pub mod push;
pub mod push_worker;
pub mod texts;
pub mod vapid;

pub use create::{notify_in_tx, Notice};

/// What both delivery workers read of a notification: `a` is its agent, `actor` who
/// caused it (else the contact), `m` its message (else the conversation's latest).
const DETAIL_COLUMNS: &str = "n.id, n.agent_id, n.kind, n.conversation_id, c.display_id, \
     COALESCE(a.locale, '') AS locale, \
     COALESCE(NULLIF(actor.display_name, ''), actor.name, ct.name) AS actor_name, \
     COALESCE(m.body, c.last_message_preview, '') AS body";
const DETAIL_FROM: &str = "FROM notifications n JOIN conversations c ON c.id = n.conversation_id \
     JOIN contacts ct ON ct.id = c.contact_id JOIN agents a ON a.id = n.agent_id \
     LEFT JOIN agents actor ON actor.id = n.actor_agent_id LEFT JOIN messages m ON m.id = n.message_id";

/// The agent's latest notifications, only of conversations she may see *now*: one
/// written while she was a member of an inbox she has since left is not shown.
pub async fn list(
    db: &Db,
    viewer: crate::auth::permission::Viewer,
) -> Result<Vec<NotificationView>, AppError> {
    let sql = format!(
        "SELECT n.id, n.kind, n.conversation_id, c.display_id, \
         COALESCE(NULLIF(a.display_name, ''), a.name, ct.name) AS actor_name, \
         COALESCE(m.body, c.last_message_preview) AS body, n.created_at, n.read_at \
         FROM notifications n JOIN conversations c ON c.id = n.conversation_id JOIN contacts ct ON ct.id = c.contact_id \
         LEFT JOIN agents a ON a.id = n.actor_agent_id LEFT JOIN messages m ON m.id = n.message_id \
         WHERE n.agent_id = $2 AND {} ORDER BY n.id DESC LIMIT 50",
        crate::auth::permission::VISIBLE
    );
    let rows = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let body: Option<String> = r.try_get("body")?;
            let read_at: Option<i64> = r.try_get("read_at")?;
            let kind: String = r.try_get("kind")?;
            Ok(NotificationView {
                id: r.try_get("id")?,
                kind: NotificationKind::parse(&kind).unwrap_or_default(),
                conversation_id: r.try_get("conversation_id")?,
                display_id: r.try_get("display_id")?,
                actor_name: r.try_get("actor_name")?,
                preview: body
                    .unwrap_or_default()
                    .chars()
                    .take(create::PREVIEW_CHARS)
                    .collect(),
                created_at: r.try_get("created_at")?,
                read: read_at.is_some(),
                sound: false,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

pub async fn mark_read(db: &Db, agent_id: i64, id: Option<i64>) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND read_at IS NULL AND ($3 = 0 OR id = $4)",
    )
    .bind(now_ms())
    .bind(agent_id)
    .bind(id.is_some() as i64)
    .bind(id.unwrap_or(0))
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(())
}

/// She opened the conversation: what she was notified of there is seen (no email follows).
pub async fn seen_in_tx(
    tx: &mut WriteTx,
    agent_id: i64,
    conversation_id: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND conversation_id = $3 AND read_at IS NULL",
    )
    .bind(at)
    .bind(agent_id)
    .bind(conversation_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}
