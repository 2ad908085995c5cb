//! Storing and reading notifications.
use sqlx::Row;

use super::NotificationView;
use crate::agents::AgentProfile;
use crate::conversations::model::{ConversationSummary, MessageView};
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};

/// Inside the note's transaction: a notification for the mentioned teammate, pushed
/// to that agent only.
pub async fn notify_mention(
    tx: &mut WriteTx,
    actor: &AgentProfile,
    conversation: &ConversationSummary,
    message: &MessageView,
    agent_id: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let id: i64 = sqlx::query(
        "INSERT INTO notifications (account_id, agent_id, kind, conversation_id, message_id, actor_agent_id, created_at) \
         VALUES ($1, $2, 'mention', $3, $4, $5, $6) RETURNING id",
    )
    .bind(actor.account_id)
    .bind(agent_id)
    .bind(conversation.id)
    .bind(message.id)
    .bind(actor.id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    let notification = NotificationView {
        id,
        conversation_id: conversation.id,
        display_id: conversation.display_id,
        actor_name: Some(actor.shown_name().to_owned()),
        preview: message.body.chars().take(140).collect(),
        created_at: now,
        read: false,
    };
    tx.append_event(
        actor.account_id,
        EventScope {
            inbox_id: Some(conversation.inbox_id),
            conversation_id: Some(conversation.id),
            agent_id: Some(agent_id),
        },
        LiveEvent::NotificationCreated { notification },
    )
    .await?;
    Ok(())
}

/// The agent's latest notifications, only of conversations she may see *now*: one
/// written while she was a member of an inbox she has since left is not shown.
pub async fn list(
    db: &Db,
    viewer: crate::auth::permission::Viewer,
) -> Result<Vec<NotificationView>, AppError> {
    let sql = format!(
        "SELECT n.id, n.conversation_id, c.display_id, a.name AS actor_name, m.body, n.created_at, n.read_at \
         FROM notifications n JOIN conversations c ON c.id = n.conversation_id \
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
            Ok(NotificationView {
                id: r.try_get("id")?,
                conversation_id: r.try_get("conversation_id")?,
                display_id: r.try_get("display_id")?,
                actor_name: r.try_get("actor_name")?,
                preview: body.unwrap_or_default().chars().take(140).collect(),
                created_at: r.try_get("created_at")?,
                read: read_at.is_some(),
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
