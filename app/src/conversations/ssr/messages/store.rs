//! The one place that writes messages, their outbox rows and attachments, and
//! appends their events: every path (reply, template, start, inbound, activity) ends here.
use sqlx::Row;

pub use super::author::Author;
use super::read::message_in_tx;
use crate::conversations::model::{ConversationSummary, MessageExtra, MessageView, QuotedMessage};
use crate::conversations::ssr::access::{summary_and_account_in_tx, summary_in_tx};
use crate::db::{now_ms, WriteTx};
use crate::domain::DeliveryStatus;
use crate::error::AppError;
use crate::events::{ConversationState, EventScope, LiveEvent};
use crate::storage::NewAttachment;

/// The list's one-line preview of a message.
pub(super) const PREVIEW_CHARS: usize = 140;

pub(super) fn preview(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

/// What the list shows for a message: its text, else its first file's name.
pub(super) fn preview_of(body: &str, attachments: &[NewAttachment]) -> String {
    match (body.is_empty(), attachments.first()) {
        (true, Some(file)) => preview(&format!("📎 {}", file.file_name)),
        _ => preview(body),
    }
}

/// An agent's message as stored: text plus what the channel needs to send it.
pub struct OutgoingRow<'a> {
    pub body: &'a str,
    pub private: bool,
    pub idempotency_key: Option<&'a str>,
    pub content_type: &'a str,
    pub extra: Option<&'a MessageExtra>,
    /// The message of the same conversation it answers (quoted above it).
    pub reply_to: Option<&'a QuotedMessage>,
}

/// Stores an outgoing message, its outbox row (unless it is a note), the conversation's
/// new activity time and preview, and the agent's read mark (whoever writes has read
/// the conversation; a bot keeps none), inside the caller's transaction.
///
/// One round trip on either backend, because this runs while the transaction holds
/// SQLite's write turn and every statement there is a hand-over to the connection's
/// thread (BENCHMARKS.md, send): SQLite gets the four statements in one call (sqlx runs
/// them in order and stops at the first error; `$n` is the n-th argument in each),
/// PostgreSQL one statement whose CTEs do the four.
pub async fn insert_outgoing_in_tx(
    tx: &mut WriteTx,
    author: Author<'_>,
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
    if !row.private {
        tx.queue_outbound();
    }
    let rows = sqlx::query(sql)
        .bind(author.account_id())
        .bind(conversation.inbox_id)
        .bind(conversation.id)
        .bind(row.private as i64)
        .bind(author.agent_id())
        .bind(row.body)
        .bind(row.content_type)
        .bind(extra)
        .bind((!row.private).then_some(DeliveryStatus::Sending.as_str()))
        .bind(row.idempotency_key)
        .bind(now)
        .bind(conversation.channel.as_str())
        .bind(preview(row.body))
        .bind(author.bot_id())
        .bind(row.reply_to.map(|quoted| quoted.id))
        // Not `fetch_one`: on SQLite it would stop the batch after the first row.
        .fetch_all(tx.conn())
        .await?;
    rows.first().ok_or(sqlx::Error::RowNotFound)?.try_get("id")
}

// $1 account, $2 inbox, $3 conversation, $4 private (0/1), $5 agent, $6 body,
// $7 content type, $8 content attributes, $9 delivery status, $10 idempotency key,
// $11 now, $12 channel kind, $13 preview, $14 bot, $15 the message it answers. Macros, so that `concat!` can join them.
macro_rules! outgoing_message_insert {
    () => {
        "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, \
         sender_agent_id, sender_bot_id, body, content_type, content_attributes, delivery_status, \
         idempotency_key, created_at, updated_at, reply_to_id) \
         VALUES ($1, $2, $3, 'outgoing', $4, $5, $14, $6, $7, $8, $9, $10, $11, $11, $15) RETURNING id"
    };
}
macro_rules! outgoing_conversation_update {
    () => {
        "UPDATE conversations SET last_activity_at = $11, updated_at = $11, \
         last_message_preview = CASE WHEN $4 = 1 THEN last_message_preview ELSE $13 END, \
         waiting_since = CASE WHEN $4 = 1 OR $5 IS NULL THEN waiting_since ELSE NULL END WHERE id = $3"
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
/// The writer's read mark in a reply's batch: none when a bot wrote ($5 is null).
macro_rules! author_read_mark {
    () => {
        "INSERT INTO conversation_reads (conversation_id, agent_id, last_read_at, marked_unread, read_incoming) \
         SELECT $3, $5, $11, 0, (SELECT incoming_count FROM conversations WHERE id = $3) WHERE $5 IS NOT NULL \
         ON CONFLICT (conversation_id, agent_id) DO UPDATE SET last_read_at = $11, marked_unread = 0, \
         read_incoming = (SELECT incoming_count FROM conversations WHERE id = $3)"
    };
}
const OUTGOING_SQLITE: &str = concat!(
    outgoing_message_insert!(),
    "; INSERT INTO outbox (account_id, message_id, channel_kind, state, attempts, next_attempt_at, \
     created_at, updated_at) SELECT $1, last_insert_rowid(), $12, 'pending', 0, $11, $11, $11 WHERE $4 = 0; ",
    outgoing_conversation_update!(),
    "; ",
    author_read_mark!(),
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
    author_read_mark!(),
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
            priority: summary.priority,
            team_id: summary.team_id,
            label_ids: Some(summary.label_ids.clone()),
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
