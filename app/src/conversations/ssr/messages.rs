//! Messages: the history of a conversation, the agent's reply or private note, and a
//! customer's incoming message. A reply is stored together with its outbox row and its
//! events in one transaction before any channel is tried, so nothing is lost if the
//! channel is down, and an idempotency key makes a retried request harmless.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::access::{
    inbox_teammates, summary_and_account_in_tx, summary_in_tx, visible_conversation, Viewer,
};
use super::routing::last_inbound_at;
use crate::agents::AgentProfile;
use crate::conversations::model::{
    AttachmentView, ConversationSummary, Mention, MessageExtra, MessagePage, MessageView,
    SenderKind,
};
use crate::db::{now_ms, placeholders, Db, WriteTx};
use crate::domain::whatsapp::Window;
use crate::domain::{ChannelKind, DeliveryStatus, MessageBody, MessageDirection};
use crate::error::AppError;
use crate::events::{ConversationState, EventScope, LiveEvent};
use crate::live::hub::Hub;
use crate::notifications::ssr::notify_mention;

const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.inbox_id, m.direction, m.private, \
     m.sender_agent_id, ag.name AS agent_name, m.sender_contact_id, ct.name AS contact_name, m.body, \
     m.delivery_status, m.delivery_error, m.created_at, m.content_attributes \
     FROM messages m LEFT JOIN agents ag ON ag.id = m.sender_agent_id \
     LEFT JOIN contacts ct ON ct.id = m.sender_contact_id";

pub const HISTORY_PAGE: i64 = 30;
const PREVIEW_CHARS: usize = 140;

fn message_from_row(row: &AnyRow) -> Result<MessageView, sqlx::Error> {
    let direction: String = row.try_get("direction")?;
    let direction =
        MessageDirection::parse(&direction).ok_or_else(|| sqlx::Error::Decode(direction.into()))?;
    let agent: Option<i64> = row.try_get("sender_agent_id")?;
    let contact: Option<i64> = row.try_get("sender_contact_id")?;
    let status: Option<String> = row.try_get("delivery_status")?;
    let (sender_kind, sender_name) = match (agent, contact) {
        (Some(_), _) => (SenderKind::Agent, row.try_get("agent_name")?),
        (None, Some(_)) => (SenderKind::Contact, row.try_get("contact_name")?),
        (None, None) => (SenderKind::System, None),
    };
    Ok(MessageView {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        inbox_id: row.try_get("inbox_id")?,
        direction,
        private: crate::db::flag(row, "private")?,
        sender_kind,
        sender_name,
        body: row.try_get("body")?,
        delivery_status: status.as_deref().and_then(DeliveryStatus::parse),
        delivery_error: row.try_get("delivery_error")?,
        created_at: row.try_get("created_at")?,
        mentions: Vec::new(),
        extra: row
            .try_get::<Option<String>, _>("content_attributes")?
            .and_then(|json| serde_json::from_str(&json).ok()),
        attachments: Vec::new(),
    })
}

/// Fills in the mentions and files of a run of messages of one conversation.
async fn attach_mentions(
    conn: &mut sqlx::AnyConnection,
    messages: &mut [MessageView],
) -> Result<(), sqlx::Error> {
    attach_people(conn, messages).await?;
    attach_files(conn, messages).await
}

async fn attach_files(
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

async fn attach_people(
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

async fn by_idempotency_key(
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

fn preview(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

/// What an agent writes in the composer.
pub struct Outgoing {
    /// `None` only when files go without text.
    pub body: Option<MessageBody>,
    pub private: bool,
    pub idempotency_key: Option<String>,
    pub mentions: Vec<i64>,
    /// The agent's pending uploads for this conversation.
    pub attachments: Vec<i64>,
}

/// Responder / Nota privada: stores the message (and, for a reply, its outbox row).
pub async fn send(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    outgoing: Outgoing,
) -> Result<MessageView, AppError> {
    let viewer = Viewer::from(agent);
    let conversation = visible_conversation(db, viewer, conversation_id).await?;
    // A retried request is caught by the idempotency key's unique index when it is
    // inserted again (see `store_outgoing`), not by a read before every send.
    if !outgoing.private {
        if let Err(closed) = free_form_allowed(db, &conversation).await {
            // A retry of a reply stored while the window was open still gets its answer.
            if let Some(key) = &outgoing.idempotency_key {
                if let Some(existing) = by_idempotency_key(db, conversation_id, key).await? {
                    return Ok(existing);
                }
            }
            return Err(closed);
        }
    }
    // Mentions only in notes, and only of teammates who can see this inbox.
    let mentions: Vec<i64> = if outgoing.private && !outgoing.mentions.is_empty() {
        inbox_teammates(db, agent.account_id, conversation.inbox_id)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| outgoing.mentions.contains(id))
            .collect()
    } else {
        Vec::new()
    };
    if outgoing.body.is_none() && outgoing.attachments.is_empty() {
        return Err(AppError::validation("body", "required"));
    }
    let draft = OutgoingRow {
        body: outgoing.body.as_ref().map_or("", MessageBody::as_str),
        private: outgoing.private,
        idempotency_key: outgoing.idempotency_key.as_deref(),
        content_type: "text",
        extra: None,
    };
    let files = Files {
        owner: format!("agent:{}", agent.id),
        ids: &outgoing.attachments,
    };
    store_outgoing(db, hub, agent, &conversation, &draft, &mentions, &files).await
}

/// WhatsApp (S7): a free-form reply only inside the 24-hour window; templates and
/// notes are always allowed. Other channels have no window.
async fn free_form_allowed(db: &Db, conversation: &ConversationSummary) -> Result<(), AppError> {
    if conversation.channel != ChannelKind::WhatsApp {
        return Ok(());
    }
    let mut conn = db.pool.acquire().await?;
    let last = last_inbound_at(&mut conn, conversation.inbox_id, conversation.contact_id).await?;
    if Window::at(last, now_ms()).is_open() {
        Ok(())
    } else {
        Err(AppError::validation("body", "window_closed"))
    }
}

/// An approved WhatsApp template, allowed whether the 24-hour window is open or not.
pub async fn send_template(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    choice: &crate::domain::template::TemplateChoice,
    idempotency_key: Option<String>,
) -> Result<MessageView, AppError> {
    let conversation = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    if conversation.channel != ChannelKind::WhatsApp {
        return Err(AppError::validation("template_id", "invalid"));
    }
    if let Some(key) = &idempotency_key {
        if let Some(existing) = by_idempotency_key(db, conversation_id, key).await? {
            return Ok(existing);
        }
    }
    let template =
        crate::contacts::ssr::start::template_message(db, agent, conversation.inbox_id, choice)
            .await?;
    let draft = OutgoingRow {
        body: template.body.as_str(),
        private: false,
        idempotency_key: idempotency_key.as_deref(),
        content_type: "template",
        extra: Some(&template.extra),
    };
    let header: Vec<i64> = template.header_file.into_iter().collect();
    let files = Files {
        owner: format!("agent:{}", agent.id),
        ids: &header,
    };
    store_outgoing(db, hub, agent, &conversation, &draft, &[], &files).await
}

/// Uploads an agent sends with a message.
struct Files<'a> {
    owner: String,
    ids: &'a [i64],
}

/// One transaction: the message, its outbox row, mentions and notifications, events.
async fn store_outgoing(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation: &ConversationSummary,
    draft: &OutgoingRow<'_>,
    mentions: &[i64],
    files: &Files<'_>,
) -> Result<MessageView, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let message_id = match insert_outgoing_in_tx(&mut tx, agent, conversation, draft, now).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            // The same request raced in twice: answer with the one that won.
            drop(tx);
            let key = draft.idempotency_key.unwrap_or_default();
            return by_idempotency_key(db, conversation.id, key)
                .await?
                .ok_or(AppError::Internal);
        }
        Err(err) => return Err(err.into()),
    };
    if !files.ids.is_empty() {
        let taken = crate::storage::uploads::take_in_tx(
            &mut tx,
            &files.owner,
            Some(conversation.id),
            files.ids,
        )
        .await?;
        insert_attachments_in_tx(&mut tx, message_id, &taken, now).await?;
        if draft.body.is_empty() && !draft.private {
            sqlx::query("UPDATE conversations SET last_message_preview = $1 WHERE id = $2")
                .bind(preview_of("", &taken))
                .bind(conversation.id)
                .execute(tx.conn())
                .await?;
        }
    }
    for agent_id in mentions {
        sqlx::query("INSERT INTO mentions (message_id, agent_id, created_at) VALUES ($1, $2, $3)")
            .bind(message_id)
            .bind(agent_id)
            .bind(now)
            .execute(tx.conn())
            .await?;
    }
    // Built from what was just inserted rather than read back (two statements less on
    // every send); only mentions and files come from their tables.
    let mut message = [MessageView {
        id: message_id,
        conversation_id: conversation.id,
        inbox_id: conversation.inbox_id,
        direction: MessageDirection::Outgoing,
        private: draft.private,
        sender_kind: SenderKind::Agent,
        sender_name: Some(agent.name.clone()),
        body: draft.body.to_owned(),
        delivery_status: (!draft.private).then_some(DeliveryStatus::Sending),
        delivery_error: None,
        created_at: now,
        mentions: Vec::new(),
        extra: draft.extra.cloned(),
        attachments: Vec::new(),
    }];
    if !mentions.is_empty() {
        attach_people(tx.conn(), &mut message).await?;
    }
    if !files.ids.is_empty() {
        attach_files(tx.conn(), &mut message).await?;
    }
    let [message] = message;
    for mentioned in mentions {
        notify_mention(&mut tx, agent, conversation, &message, *mentioned).await?;
    }
    emit_message(&mut tx, conversation, &message).await?;
    tx.commit(hub).await?;
    if !draft.private {
        crate::channels::outbox::wake();
    }
    Ok(message)
}

/// An agent's message as stored: text plus what the channel needs to send it.
pub struct OutgoingRow<'a> {
    pub body: &'a str,
    pub private: bool,
    pub idempotency_key: Option<&'a str>,
    pub content_type: &'a str,
    pub extra: Option<&'a MessageExtra>,
}

/// Stores an agent's message, its outbox row (unless it is a note), the conversation's
/// new activity time and preview, and the agent's read mark (whoever writes has read
/// the conversation), inside the caller's transaction.
///
/// One round trip on either backend, because this runs while the transaction holds
/// SQLite's write turn and every statement there is a hand-over to the connection's
/// thread (BENCHMARKS.md, send): SQLite gets the four statements in one call (sqlx runs
/// them in order and stops at the first error; `$n` is the n-th argument in each),
/// PostgreSQL one statement whose CTEs do the four.
pub async fn insert_outgoing_in_tx(
    tx: &mut WriteTx,
    agent: &AgentProfile,
    conversation: &ConversationSummary,
    row: &OutgoingRow<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let extra = row
        .extra
        .map(|e| serde_json::to_string(e).unwrap_or_default());
    let sql = match tx.backend {
        crate::db::Backend::Sqlite => OUTGOING_SQLITE,
        crate::db::Backend::Postgres => OUTGOING_POSTGRES,
    };
    let rows = sqlx::query(sql)
        .bind(agent.account_id)
        .bind(conversation.inbox_id)
        .bind(conversation.id)
        .bind(row.private as i64)
        .bind(agent.id)
        .bind(row.body)
        .bind(row.content_type)
        .bind(extra)
        .bind((!row.private).then_some(DeliveryStatus::Sending.as_str()))
        .bind(row.idempotency_key)
        .bind(now)
        .bind(conversation.channel.as_str())
        .bind(preview(row.body))
        // Not `fetch_one`: on SQLite it would stop the batch after the first row.
        .fetch_all(tx.conn())
        .await?;
    rows.first().ok_or(sqlx::Error::RowNotFound)?.try_get("id")
}

// $1 account, $2 inbox, $3 conversation, $4 private (0/1), $5 agent, $6 body,
// $7 content type, $8 content attributes, $9 delivery status, $10 idempotency key,
// $11 now, $12 channel kind, $13 preview. Macros, so that `concat!` can join them.
macro_rules! outgoing_message_insert {
    () => {
        "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, \
         sender_agent_id, body, content_type, content_attributes, delivery_status, idempotency_key, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, 'outgoing', $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"
    };
}
macro_rules! outgoing_conversation_update {
    () => {
        "UPDATE conversations SET last_activity_at = $11, updated_at = $11, \
         last_message_preview = CASE WHEN $4 = 1 THEN last_message_preview ELSE $13 END WHERE id = $3"
    };
}
/// The agent's read mark, with the placeholders of the conversation, the agent and the
/// time: one text for [`mark_read_in_tx`] and for a reply's batch.
macro_rules! read_mark {
    ($conversation:literal, $agent:literal, $at:literal) => {
        concat!(
            "INSERT INTO conversation_reads (conversation_id, agent_id, last_read_at, marked_unread, read_incoming) \
             VALUES (", $conversation, ", ", $agent, ", ", $at,
            ", 0, (SELECT incoming_count FROM conversations WHERE id = ", $conversation, ")) \
             ON CONFLICT (conversation_id, agent_id) DO UPDATE SET last_read_at = ", $at,
            ", marked_unread = 0, read_incoming = (SELECT incoming_count FROM conversations WHERE id = ",
            $conversation, ")"
        )
    };
}
const OUTGOING_SQLITE: &str = concat!(
    outgoing_message_insert!(),
    "; INSERT INTO outbox (account_id, message_id, channel_kind, state, attempts, next_attempt_at, \
     created_at, updated_at) SELECT $1, last_insert_rowid(), $12, 'pending', 0, $11, $11, $11 WHERE $4 = 0; ",
    outgoing_conversation_update!(),
    "; ",
    read_mark!("$3", "$5", "$11"),
);
// The CTEs share one snapshot: the read mark's incoming count is the one before this
// statement, which an outgoing message does not change.
const OUTGOING_POSTGRES: &str = concat!(
    "WITH m AS (",
    outgoing_message_insert!(),
    "), o AS (INSERT INTO outbox (account_id, message_id, channel_kind, state, attempts, next_attempt_at, \
     created_at, updated_at) SELECT $1, m.id, $12, 'pending', 0, $11, $11, $11 FROM m WHERE $4 = 0), u AS (",
    outgoing_conversation_update!(),
    "), r AS (",
    read_mark!("$3", "$5", "$11"),
    ") SELECT id FROM m",
);

/// An activity line in a conversation (no sender, never sent to the customer), with
/// its events. It does not count as activity for the list order.
pub async fn add_activity_in_tx(
    tx: &mut WriteTx,
    conversation_id: i64,
    body: &str,
    extra: &MessageExtra,
) -> Result<MessageView, AppError> {
    let now = now_ms();
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    let message_id: i64 = sqlx::query(
        "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, body, content_type, \
         content_attributes, created_at, updated_at) \
         SELECT c.account_id, c.inbox_id, c.id, 'activity', 0, $1, 'activity', $2, $3, $3 FROM conversations c \
         WHERE c.id = $4 RETURNING id",
    )
    .bind(body)
    .bind(serde_json::to_string(extra).unwrap_or_default())
    .bind(now)
    .bind(conversation_id)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    let message = message_in_tx(tx.conn(), message_id).await?;
    emit_message(tx, &before, &message).await?;
    Ok(message)
}

/// A customer's message as a channel hands it over.
pub struct Inbound<'a> {
    /// May be empty when the message is only a file (or a type Charla cannot show).
    pub body: &'a str,
    /// The channel's id for it (WhatsApp message id, email Message-ID): deduplication.
    pub external_id: Option<&'a str>,
    pub content_type: &'a str,
    pub extra: Option<&'a MessageExtra>,
    pub attachments: &'a [NewAttachment],
    /// When the customer sent it (the channel's clock, never later than now).
    pub at: i64,
}

impl<'a> Inbound<'a> {
    /// A plain text message sent now.
    pub fn text(body: &'a str) -> Inbound<'a> {
        Inbound {
            body,
            external_id: None,
            content_type: "text",
            extra: None,
            attachments: &[],
            at: now_ms(),
        }
    }
}

/// A file already written to storage, to be recorded with its message.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub storage_key: String,
    pub duration_ms: Option<i64>,
}

/// Whether a channel's message id is already stored in the inbox (redelivery, a second
/// poll, a crash between storing and acknowledging).
pub async fn external_id_stored(
    db: &Db,
    inbox_id: i64,
    external_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE inbox_id = $1 AND external_id = $2")
            .bind(inbox_id)
            .bind(external_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(found.is_some())
}

/// A customer's message (routed by `routing`): wakes a snoozed conversation.
pub async fn receive(
    db: &Db,
    hub: &Hub,
    conversation_id: i64,
    contact_id: i64,
    inbound: &Inbound<'_>,
) -> Result<MessageView, AppError> {
    let mut tx = db.begin_write().await?;
    let message = receive_in_tx(&mut tx, conversation_id, contact_id, inbound).await?;
    tx.commit(hub).await?;
    Ok(message)
}

/// What the list shows for a message: its text, else its first file's name.
fn preview_of(body: &str, attachments: &[NewAttachment]) -> String {
    match (body.is_empty(), attachments.first()) {
        (true, Some(file)) => preview(&format!("📎 {}", file.file_name)),
        _ => preview(body),
    }
}

/// [`receive`] inside a caller's transaction (which may have just opened the conversation).
pub async fn receive_in_tx(
    tx: &mut WriteTx,
    conversation_id: i64,
    contact_id: i64,
    inbound: &Inbound<'_>,
) -> Result<MessageView, AppError> {
    let now = now_ms();
    let at = inbound.at.min(now);
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    let extra = inbound
        .extra
        .map(|e| serde_json::to_string(e).unwrap_or_default());
    let message_id: i64 = sqlx::query(
        "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_contact_id, body, \
         content_type, content_attributes, external_id, created_at, updated_at) \
         SELECT c.account_id, c.inbox_id, c.id, 'incoming', 0, $1, $2, $3, $4, $5, $6, $7 FROM conversations c \
         WHERE c.id = $8 RETURNING id",
    )
    .bind(contact_id)
    .bind(inbound.body)
    .bind(inbound.content_type)
    .bind(extra)
    .bind(inbound.external_id)
    .bind(at)
    .bind(now)
    .bind(conversation_id)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    insert_attachments_in_tx(tx, message_id, inbound.attachments, now).await?;
    // The 24-hour window runs from the customer's own clock time, never backwards.
    sqlx::query(
        "UPDATE conversations SET last_activity_at = $1, updated_at = $1, \
         last_customer_message_at = CASE WHEN last_customer_message_at IS NULL OR last_customer_message_at < $2 \
         THEN $2 ELSE last_customer_message_at END, \
         last_message_preview = $3, snoozed_until = NULL, \
         status = CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END WHERE id = $4",
    )
    .bind(now)
    .bind(at)
    .bind(preview_of(inbound.body, inbound.attachments))
    .bind(conversation_id)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE contacts SET last_activity_at = $1 WHERE id = $2")
        .bind(now)
        .bind(contact_id)
        .execute(tx.conn())
        .await?;
    let message = message_in_tx(tx.conn(), message_id).await?;
    emit_message(tx, &before, &message).await?;
    Ok(message)
}

/// Records stored files as a message's attachments.
pub async fn insert_attachments_in_tx(
    tx: &mut WriteTx,
    message_id: i64,
    attachments: &[NewAttachment],
    now: i64,
) -> Result<(), sqlx::Error> {
    for file in attachments {
        sqlx::query(
            "INSERT INTO attachments (account_id, message_id, file_name, content_type, byte_size, storage_key, duration_ms, created_at) \
             SELECT account_id, id, $1, $2, $3, $4, $5, $6 FROM messages WHERE id = $7",
        )
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.byte_size)
        .bind(&file.storage_key)
        .bind(file.duration_ms)
        .bind(now)
        .bind(message_id)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// A conversation about to be opened: by a customer writing in (no assignee) or by an
/// agent starting it from the contact (assigned to them).
pub struct NewConversation<'a> {
    pub account_id: i64,
    pub inbox_id: i64,
    pub contact_id: i64,
    pub identity_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub subject: Option<&'a str>,
}

/// Opens a new conversation and appends its event.
pub async fn open_conversation_in_tx(
    tx: &mut WriteTx,
    new: NewConversation<'_>,
) -> Result<ConversationSummary, AppError> {
    let now = now_ms();
    let number: i64 = sqlx::query(
        "UPDATE accounts SET next_conversation_number = next_conversation_number + 1 WHERE id = $1 \
         RETURNING next_conversation_number - 1 AS number",
    )
    .bind(new.account_id)
    .fetch_one(tx.conn())
    .await?
    .try_get("number")?;
    let id: i64 = sqlx::query(
        "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_identity_id, assignee_id, \
         subject, status, last_activity_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8, $8) RETURNING id",
    )
    .bind(new.account_id)
    .bind(number)
    .bind(new.inbox_id)
    .bind(new.contact_id)
    .bind(new.identity_id)
    .bind(new.assignee_id)
    .bind(new.subject)
    .bind(now)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    let summary = summary_in_tx(tx.conn(), id).await?;
    tx.append_event(
        new.account_id,
        EventScope {
            inbox_id: Some(new.inbox_id),
            conversation_id: Some(id),
            agent_id: None,
        },
        LiveEvent::ConversationChanged {
            conversation: summary.clone(),
            previous: None,
        },
    )
    .await?;
    Ok(summary)
}

/// Appends MessageCreated and the conversation's new state (for lists and counts).
pub async fn emit_message(
    tx: &mut WriteTx,
    before: &ConversationSummary,
    message: &MessageView,
) -> Result<(), sqlx::Error> {
    let scope = EventScope {
        inbox_id: Some(before.inbox_id),
        conversation_id: Some(before.id),
        agent_id: None,
    };
    let (after, account_id) = summary_and_account_in_tx(tx.conn(), before.id).await?;
    tx.append_events(
        account_id,
        vec![
            (
                scope,
                LiveEvent::MessageCreated {
                    message: message.clone(),
                },
            ),
            (
                scope,
                LiveEvent::ConversationChanged {
                    conversation: after,
                    previous: Some(ConversationState::of(before)),
                },
            ),
        ],
    )
    .await?;
    Ok(())
}

pub async fn account_of(tx: &mut WriteTx, conversation_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT account_id FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_one(tx.conn())
        .await?
        .try_get("account_id")
}

pub async fn mark_read_in_tx(
    tx: &mut WriteTx,
    conversation_id: i64,
    agent_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(read_mark!("$1", "$2", "$3"))
        .bind(conversation_id)
        .bind(agent_id)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl ConversationState {
    pub fn of(summary: &ConversationSummary) -> Self {
        ConversationState {
            assignee_id: summary.assignee_id,
            status: summary.status,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_read_mark_text_takes_its_placeholders() {
        assert_eq!(
            read_mark!("$1", "$2", "$3"),
            "INSERT INTO conversation_reads (conversation_id, agent_id, last_read_at, marked_unread, read_incoming) \
             VALUES ($1, $2, $3, 0, (SELECT incoming_count FROM conversations WHERE id = $1)) \
             ON CONFLICT (conversation_id, agent_id) DO UPDATE SET last_read_at = $3, marked_unread = 0, \
             read_incoming = (SELECT incoming_count FROM conversations WHERE id = $1)"
        );
    }
}
