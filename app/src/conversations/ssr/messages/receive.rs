//! A customer's message as a channel hands it over: stored with its files, the
//! conversation reopened and its 24-hour window moved, in the caller's transaction.
use sqlx::Row;

use super::read::message_in_tx;
use super::store::{account_of, emit_message, insert_attachments_in_tx, preview_of};
use crate::conversations::model::{ConversationSummary, MessageExtra, MessageView};
use crate::conversations::ssr::access::summary_in_tx;
use crate::conversations::ssr::activity;
use crate::conversations::ssr::assignment;
use crate::conversations::ssr::opening::{announce_in_tx, has_bot};
use crate::conversations::ssr::routing::Routed;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::notifications::model::NotificationKind;
use crate::notifications::ssr::{notify_in_tx, Notice};
use crate::storage::NewAttachment;

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
    /// The channel's id of the earlier message of the inbox this one answers.
    pub reply_to_external: Option<&'a str>,
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
            reply_to_external: None,
        }
    }
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

/// What a customer's message makes of the conversation's status, and whether she
/// asked a bot for a person: a resolved one opens again (pending again, with the bot,
/// where an agent bot answers); a snoozed one opens (the team had it); a pending one
/// goes to the team when she asks for a person, or when no bot answers the inbox
/// any more (it was removed or disconnected).
async fn next_status(
    tx: &mut WriteTx,
    before: &ConversationSummary,
    body: &str,
) -> Result<(ConversationStatus, bool), sqlx::Error> {
    use ConversationStatus::*;
    if before.status == Open {
        return Ok((Open, false));
    }
    let bot = has_bot(tx.conn(), before.inbox_id).await?;
    let asks = bot && crate::domain::bot::asks_for_person(body);
    let next = match before.status {
        Resolved if bot && !asks => Pending,
        Resolved | Snoozed => Open,
        Pending if asks || !bot => Open,
        other => other,
    };
    Ok((next, asks))
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
    hub.commit(tx).await?;
    Ok(message)
}

/// [`receive`] inside a caller's transaction (which may have just opened the
/// conversation: it is announced here, once the message is stored).
///
/// The order of the writes is the order of the locks they take, the same for every
/// inbound message so that concurrent ones cannot deadlock on PostgreSQL: the inbox's
/// assignment turn, the message (and its report tally row), the conversation, and only
/// then the account's event log.
pub async fn receive_in_tx(
    tx: &mut WriteTx,
    conversation: impl Into<Routed>,
    contact_id: i64,
    inbound: &Inbound<'_>,
) -> Result<MessageView, AppError> {
    let Routed {
        id: conversation_id,
        opened,
    } = conversation.into();
    let now = now_ms();
    let at = inbound.at.min(now);
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    // A blocked customer's message is kept and changes nothing else: no reopening, no
    // assignment, no out-of-office reply, no notice, no wait for a reply.
    let muted = before.muted;
    let (next, asked_for_person) = match muted {
        true => (before.status, false),
        false => next_status(tx, &before, inbound.body).await?,
    };
    // Back to the team (or, with a bot, back to it) unless it was already there.
    let picked = match next == ConversationStatus::Open && before.status != ConversationStatus::Open
    {
        true => assignment::reopened_in_tx(tx, &before).await?,
        false => None,
    };
    let extra = inbound
        .extra
        .map(|e| serde_json::to_string(e).unwrap_or_default());
    let message_id: i64 = sqlx::query(
        "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_contact_id, body, \
         content_type, content_attributes, external_id, created_at, updated_at, reply_to_id) \
         SELECT c.account_id, c.inbox_id, c.id, 'incoming', 0, $1, $2, $3, $4, $5, $6, $7, \
         (SELECT r.id FROM messages r WHERE r.inbox_id = c.inbox_id AND r.external_id = $9) \
         FROM conversations c WHERE c.id = $8 RETURNING id",
    )
    .bind(contact_id)
    .bind(inbound.body)
    .bind(inbound.content_type)
    .bind(extra)
    .bind(inbound.external_id)
    .bind(at)
    .bind(now)
    .bind(conversation_id)
    .bind(inbound.reply_to_external)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    insert_attachments_in_tx(tx, message_id, inbound.attachments, now).await?;
    // The 24-hour window runs from the customer's own clock time, never backwards.
    sqlx::query(
        "UPDATE conversations SET last_activity_at = $1, updated_at = $1, \
         last_customer_message_at = CASE WHEN last_customer_message_at IS NULL OR last_customer_message_at < $2 \
         THEN $2 ELSE last_customer_message_at END, \
         last_message_preview = $3, snoozed_until = CASE WHEN $6 = 1 THEN snoozed_until ELSE NULL END, \
         waiting_since = CASE WHEN $6 = 1 THEN waiting_since ELSE COALESCE(waiting_since, $2) END, \
         status = $5 WHERE id = $4",
    )
    .bind(now)
    .bind(at)
    .bind(inbound_preview(inbound))
    .bind(conversation_id)
    .bind(next.as_str())
    .bind(i64::from(muted))
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE contacts SET last_activity_at = $1 WHERE id = $2")
        .bind(now)
        .bind(contact_id)
        .execute(tx.conn())
        .await?;
    if let Some(opened) = &opened {
        announce_in_tx(tx, opened).await?;
    }
    let message = message_in_tx(tx.conn(), message_id).await?;
    emit_message(tx, &before, &message).await?;
    let account_id = account_of(tx, before.id).await?;
    // A pending conversation is an agent bot's to answer.
    if next != ConversationStatus::Pending && !muted {
        crate::conversations::ssr::out_of_office::reply_in_tx(
            tx,
            account_id,
            before.id,
            before.inbox_id,
            now,
        )
        .await?;
    }
    if before.status == ConversationStatus::Pending && asked_for_person {
        let changed = [(before.id, before.inbox_id)];
        activity::handed_off_in_tx(tx, account_id, &changed, None, now).await?;
    }
    // Picked for a conversation opened or reopened by this message, she is told of the
    // conversation (with its activity line), not of the message as well.
    let just_picked = opened.as_ref().is_some_and(|o| o.picked.is_some());
    if let Some(picked) = &picked {
        let changed = [(before.id, before.inbox_id)];
        activity::picked_in_tx(tx, account_id, &changed, picked, now).await?;
    } else if let Some(assignee) = before.assignee_id.filter(|_| !muted && !just_picked) {
        // Newly handed over, she was just told of the conversation; else of the reply.
        let notice = Notice {
            kind: NotificationKind::CustomerReply,
            conversation_id: before.id,
            message_id: Some(message.id),
            actor_agent_id: None,
            preview: Some(inbound_preview(inbound)),
        };
        notify_in_tx(tx, &notice, &[assignee]).await?;
    }
    Ok(message)
}

/// The list's line for a customer's message; a file still on its way names its kind.
fn inbound_preview(inbound: &Inbound<'_>) -> String {
    let coming = matches!(
        inbound.extra,
        Some(crate::conversations::model::MessageExtra::FileComing)
    );
    if coming && inbound.body.is_empty() && inbound.attachments.is_empty() {
        preview_of(&format!("📎 {}", inbound.content_type), &[])
    } else {
        preview_of(inbound.body, inbound.attachments)
    }
}
