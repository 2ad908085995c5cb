//! Reading messages: a conversation's history page by page, the visitor's new
//! messages, one message or several by id, with their mentions and files.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::conversations::model::{
    AttachmentView, Mention, MessagePage, MessageView, QuotedMessage, SenderKind,
};
use crate::conversations::ssr::access::{visible_conversation, Viewer};
use crate::db::{placeholders, Db};
use crate::domain::{DeliveryStatus, MessageDirection};
use crate::error::AppError;

pub(super) const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.inbox_id, m.direction, m.private, \
     m.sender_agent_id, ag.name AS agent_name, m.sender_contact_id, ct.name AS contact_name, m.body, \
     m.delivery_status, m.delivery_error, m.created_at, m.content_attributes, \
     m.sender_bot_id, bt.name AS bot_name, m.reaction, m.reply_to_id, rt.body AS reply_to_body \
     FROM messages m LEFT JOIN agents ag ON ag.id = m.sender_agent_id \
     LEFT JOIN messages rt ON rt.id = m.reply_to_id \
     LEFT JOIN contacts ct ON ct.id = m.sender_contact_id \
     LEFT JOIN agent_bots bt ON bt.id = m.sender_bot_id";

pub const HISTORY_PAGE: i64 = 30;

pub(super) fn message_from_row(row: &AnyRow) -> Result<MessageView, sqlx::Error> {
    let direction: String = row.try_get("direction")?;
    let direction =
        MessageDirection::parse(&direction).ok_or_else(|| sqlx::Error::Decode(direction.into()))?;
    let agent: Option<i64> = row.try_get("sender_agent_id")?;
    let contact: Option<i64> = row.try_get("sender_contact_id")?;
    let status: Option<String> = row.try_get("delivery_status")?;
    let bot: Option<i64> = row.try_get("sender_bot_id")?;
    let (sender_kind, sender_name, sender_id) = match (agent, contact, bot) {
        (Some(id), _, _) => (SenderKind::Agent, row.try_get("agent_name")?, Some(id)),
        (None, Some(id), _) => (SenderKind::Contact, row.try_get("contact_name")?, Some(id)),
        (None, None, Some(id)) => (SenderKind::Bot, row.try_get("bot_name")?, Some(id)),
        (None, None, None) => (SenderKind::System, None, None),
    };
    Ok(MessageView {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        inbox_id: row.try_get("inbox_id")?,
        direction,
        private: crate::db::flag(row, "private")?,
        sender_kind,
        sender_name,
        sender_id,
        body: row.try_get("body")?,
        delivery_status: status.as_deref().and_then(DeliveryStatus::parse),
        delivery_error: row.try_get("delivery_error")?,
        created_at: row.try_get("created_at")?,
        mentions: Vec::new(),
        extra: row
            .try_get::<Option<String>, _>("content_attributes")?
            .and_then(|json| serde_json::from_str(&json).ok()),
        attachments: Vec::new(),
        reaction: row.try_get("reaction")?,
        reply_to: match row.try_get::<Option<i64>, _>("reply_to_id")? {
            Some(id) => Some(QuotedMessage::new(
                id,
                &row.try_get::<Option<String>, _>("reply_to_body")?
                    .unwrap_or_default(),
            )),
            None => None,
        },
    })
}

/// Fills in the mentions and files of a run of messages of one conversation.
pub(super) async fn attach_mentions(
    conn: &mut sqlx::AnyConnection,
    messages: &mut [MessageView],
) -> Result<(), sqlx::Error> {
    attach_people(conn, messages).await?;
    attach_files(conn, messages).await
}

pub(super) async fn attach_files(
    conn: &mut sqlx::AnyConnection,
    messages: &mut [MessageView],
) -> Result<(), sqlx::Error> {
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
        return Ok(());
    };
    let rows = sqlx::query(
        "SELECT a.id, a.message_id, a.file_name, a.content_type, a.byte_size, a.duration_ms FROM attachments a \
         JOIN messages m ON m.id = a.message_id \
         WHERE m.conversation_id = $1 AND a.message_id >= $2 AND a.message_id <= $3 ORDER BY a.id",
    )
    .bind(first.conversation_id)
    .bind(first.id.min(last.id))
    .bind(first.id.max(last.id))
    .fetch_all(conn)
    .await?;
    for row in rows {
        let message_id: i64 = row.try_get("message_id")?;
        if let Some(message) = messages.iter_mut().find(|m| m.id == message_id) {
            message.attachments.push(attachment_from_row(&row)?);
        }
    }
    Ok(())
}

pub(super) async fn attach_people(
    db_or_tx: &mut sqlx::AnyConnection,
    messages: &mut [MessageView],
) -> Result<(), sqlx::Error> {
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
        return Ok(());
    };
    let rows = sqlx::query(
        "SELECT mn.message_id, mn.agent_id, a.name FROM mentions mn JOIN agents a ON a.id = mn.agent_id \
         JOIN messages m ON m.id = mn.message_id \
         WHERE m.conversation_id = $1 AND mn.message_id >= $2 AND mn.message_id <= $3 ORDER BY mn.id",
    )
    .bind(first.conversation_id)
    .bind(first.id.min(last.id))
    .bind(first.id.max(last.id))
    .fetch_all(db_or_tx)
    .await?;
    for row in rows {
        let message_id: i64 = row.try_get("message_id")?;
        if let Some(message) = messages.iter_mut().find(|m| m.id == message_id) {
            message.mentions.push(Mention {
                agent_id: row.try_get("agent_id")?,
                name: row.try_get("name")?,
            });
        }
    }
    Ok(())
}

/// One page of history before `before_id` (newest page when `None`), oldest first.
pub async fn history(
    db: &Db,
    viewer: Viewer,
    conversation_id: i64,
    before_id: Option<i64>,
) -> Result<MessagePage, AppError> {
    visible_conversation(db, viewer, conversation_id).await?;
    let mut items = newest_first(db, conversation_id, before_id, HISTORY_PAGE + 1).await?;
    let has_older = items.len() as i64 > HISTORY_PAGE;
    items.truncate(HISTORY_PAGE as usize);
    items.reverse();
    let mut conn = db.pool.acquire().await?;
    attach_mentions(&mut conn, &mut items).await?;
    Ok(MessagePage { items, has_older })
}

/// The newest `limit` messages of a conversation, oldest first, without a viewer
/// check (for the visitor's own conversation, filtered by the caller).
pub async fn history_in_conversation(
    db: &Db,
    conversation_id: i64,
    limit: i64,
) -> Result<Vec<MessageView>, AppError> {
    let mut items = newest_first(db, conversation_id, None, limit).await?;
    items.reverse();
    let mut conn = db.pool.acquire().await?;
    attach_files(&mut conn, &mut items).await?;
    Ok(items)
}

/// Up to `limit` messages before `before_id` (all when `None`), newest first.
async fn newest_first(
    db: &Db,
    conversation_id: i64,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<MessageView>, AppError> {
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(conversation_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// A visitor's messages after `after_id` in every conversation of their identity,
/// without notes or activity (the widget's replay on reconnect).
pub async fn visitor_messages_after(
    db: &Db,
    identity_id: i64,
    after_id: i64,
) -> Result<Vec<MessageView>, AppError> {
    let sql = format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id IN (SELECT id FROM conversations WHERE contact_identity_id = $1) \
         AND m.id > $2 AND m.private = 0 AND m.direction <> 'activity' ORDER BY m.id LIMIT 500"
    );
    let rows = sqlx::query(&sql)
        .bind(identity_id)
        .bind(after_id)
        .fetch_all(&db.pool)
        .await?;
    let mut items = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let mut conn = db.pool.acquire().await?;
    attach_files(&mut conn, &mut items).await?;
    Ok(items)
}

pub async fn message_in_tx(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<MessageView, sqlx::Error> {
    let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(&mut *conn).await?;
    let mut message = vec![message_from_row(&row)?];
    // Mentions exist only in notes: a reply skips the lookup (one statement less on
    // every send and every delivery record).
    if message[0].private {
        attach_people(conn, &mut message).await?;
    }
    attach_files(conn, &mut message).await?;
    Ok(message.remove(0))
}

/// Several messages by id, in the order of `ids`, each with its files (and, for notes,
/// mentions): two statements whatever their number or conversations.
pub async fn messages_by_id_in_tx(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<Vec<MessageView>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(1, ids.len());
    let sql = format!("{MESSAGE_SELECT} WHERE m.id IN ({list})");
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut found = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let sql = format!(
        "SELECT a.id, a.message_id, a.file_name, a.content_type, a.byte_size, a.duration_ms \
         FROM attachments a WHERE a.message_id IN ({list}) ORDER BY a.id"
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    for row in query.fetch_all(&mut *conn).await? {
        let message_id: i64 = row.try_get("message_id")?;
        if let Some(message) = found.iter_mut().find(|m| m.id == message_id) {
            message.attachments.push(attachment_from_row(&row)?);
        }
    }
    for message in found.iter_mut().filter(|m| m.private) {
        attach_people(&mut *conn, std::slice::from_mut(message)).await?;
    }
    let mut ordered = Vec::with_capacity(found.len());
    for id in ids {
        if let Some(k) = found.iter().position(|m| m.id == *id) {
            ordered.push(found.swap_remove(k));
        }
    }
    Ok(ordered)
}

fn attachment_from_row(row: &AnyRow) -> Result<AttachmentView, sqlx::Error> {
    Ok(AttachmentView {
        id: row.try_get("id")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        byte_size: row.try_get("byte_size")?,
        duration_ms: row.try_get("duration_ms")?,
    })
}

pub(super) async fn by_idempotency_key(
    db: &Db,
    conversation_id: i64,
    key: &str,
) -> Result<Option<MessageView>, AppError> {
    let row =
        sqlx::query("SELECT id FROM messages WHERE conversation_id = $1 AND idempotency_key = $2")
            .bind(conversation_id)
            .bind(key)
            .fetch_optional(&db.pool)
            .await?;
    match row {
        Some(row) => {
            let mut conn = db.pool.acquire().await?;
            Ok(Some(message_in_tx(&mut conn, row.try_get("id")?).await?))
        }
        None => Ok(None),
    }
}
