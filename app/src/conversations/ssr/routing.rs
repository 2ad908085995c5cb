//! Where a customer's message goes (S12): the newest conversation of that contact in
//! that inbox, whatever older ones are doing. An agent's "Nueva conversación" therefore
//! takes over the thread for good: older conversations keep their history but never
//! receive the customer's messages again. When the newest is resolved, the message
//! opens a new conversation, or reopens that one where the inbox says so
//! (`reopen_resolved` in its settings; off by default, as a resolved case is closed).
//! Website visitors are routed by their own identity, never by a contact they merely
//! share (a typed email is a claim, and claims never join conversations). Opening a
//! conversation, by a customer or by an agent, is here too.
use sqlx::Row;

use super::access::summary_in_tx;
use super::activity::Actor;
use crate::conversations::model::ConversationSummary;
use crate::db::{now_ms, WriteTx};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::notifications::model::NotificationKind;
use crate::notifications::ssr::create::new_conversation_listeners;
use crate::notifications::ssr::{notify_in_tx, Notice};

/// Whose conversations a message may join.
#[derive(Debug, Clone, Copy)]
pub enum Customer {
    /// Every conversation of the contact in the inbox (email, WhatsApp).
    Contact { contact_id: i64, identity_id: i64 },
    /// Only the conversations of this identity (website visitors).
    Identity { contact_id: i64, identity_id: i64 },
}

/// The conversation a customer's message joins, opening one when needed.
pub async fn conversation_for_inbound(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
    contact_id: i64,
    identity_id: Option<i64>,
) -> Result<i64, AppError> {
    let customer = Customer::Contact {
        contact_id,
        identity_id: identity_id.unwrap_or(0),
    };
    conversation_for(tx, account_id, inbox_id, customer).await
}

/// As [`conversation_for_inbound`], for any [`Customer`].
pub async fn conversation_for(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
    customer: Customer,
) -> Result<i64, AppError> {
    if let Some((id, status)) = newest_conversation(tx.conn(), inbox_id, customer).await? {
        // A resolved one is reopened by `receive_in_tx` when the inbox keeps it.
        if status != "resolved" || reopens_resolved(tx.conn(), inbox_id).await? {
            return Ok(id);
        }
    }
    let (contact_id, identity_id) = match customer {
        Customer::Contact {
            contact_id,
            identity_id,
        }
        | Customer::Identity {
            contact_id,
            identity_id,
        } => (contact_id, identity_id),
    };
    Ok(open_conversation_in_tx(
        tx,
        NewConversation {
            account_id,
            inbox_id,
            contact_id,
            identity_id: (identity_id != 0).then_some(identity_id),
            assignee_id: None,
            subject: None,
        },
    )
    .await?
    .id)
}

/// The newest conversation of the customer in the inbox, with its status.
pub async fn newest_conversation(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    customer: Customer,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let (column, key) = match customer {
        Customer::Contact { contact_id, .. } => ("contact_id", contact_id),
        Customer::Identity { identity_id, .. } => ("contact_identity_id", identity_id),
    };
    sqlx::query_as(&format!(
        "SELECT id, status FROM conversations WHERE {column} = $1 AND inbox_id = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(key)
    .bind(inbox_id)
    .fetch_optional(conn)
    .await
}

/// The conversation a reply to an email thread joins: the newest of that thread's
/// contact in the inbox (a superseded thread hands its replies on).
pub async fn successor_of(
    conn: &mut sqlx::AnyConnection,
    conversation_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, n.status FROM conversations c JOIN conversations n \
         ON n.contact_id = c.contact_id AND n.inbox_id = c.inbox_id \
         WHERE c.id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT 1",
    )
    .bind(conversation_id)
    .fetch_optional(conn)
    .await
}

/// Whether the inbox reopens a resolved conversation when the customer writes again
/// (`reopen_resolved` in its settings; off by default).
pub async fn reopens_resolved(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
) -> Result<bool, sqlx::Error> {
    crate::db::inbox_settings::flag(conn, inbox_id, "reopen_resolved").await
}

/// The not-resolved conversations a new one supersedes (oldest first).
pub async fn superseded(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    contact_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM conversations WHERE contact_id = $1 AND inbox_id = $2 AND status <> 'resolved' ORDER BY id",
    )
    .bind(contact_id)
    .bind(inbox_id)
    .fetch_all(conn)
    .await
}

/// The customer's last message on this inbox's number, in any of their conversations:
/// the start of WhatsApp's 24-hour window.
pub async fn last_inbound_at(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    contact_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MAX(last_customer_message_at) FROM conversations WHERE contact_id = $1 AND inbox_id = $2",
    )
    .bind(contact_id)
    .bind(inbox_id)
    .fetch_one(conn)
    .await
}

/// Whether an agent bot answers the inbox's new conversations.
pub async fn has_bot(conn: &mut sqlx::AnyConnection, inbox_id: i64) -> Result<bool, sqlx::Error> {
    let bot: Option<Option<i64>> =
        sqlx::query_scalar("SELECT agent_bot_id FROM inboxes WHERE id = $1")
            .bind(inbox_id)
            .fetch_optional(conn)
            .await?;
    Ok(bot.flatten().is_some())
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
    // Opened by a customer where an agent bot answers: pending with the bot until it
    // (or the customer) hands it over.
    let with_bot = new.assignee_id.is_none() && has_bot(tx.conn(), new.inbox_id).await?;
    let status = if with_bot { "pending" } else { "open" };
    let id: i64 = sqlx::query(
        "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_identity_id, assignee_id, \
         subject, status, last_activity_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, $8, $8) RETURNING id",
    )
    .bind(new.account_id)
    .bind(number)
    .bind(new.inbox_id)
    .bind(new.contact_id)
    .bind(new.identity_id)
    .bind(new.assignee_id)
    .bind(new.subject)
    .bind(now)
    .bind(status)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    // Opened by a customer: the inbox may hand it to whoever's turn it is.
    let picked = match new.assignee_id {
        None if !with_bot => super::assignment::pick_in_tx(tx, new.inbox_id, None).await?,
        _ => None,
    };
    if let Some(agent) = picked {
        sqlx::query("UPDATE conversations SET assignee_id = $1 WHERE id = $2")
            .bind(agent)
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
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
    // Opened by a customer: teammates who asked hear of it.
    if new.assignee_id.is_none() && !with_bot {
        let listeners = new_conversation_listeners(tx, new.account_id, new.inbox_id).await?;
        let notice = Notice {
            kind: NotificationKind::NewConversation,
            conversation_id: id,
            message_id: None,
            actor_agent_id: None,
            preview: None,
        };
        notify_in_tx(tx, &notice, &listeners).await?;
    }
    if picked.is_some() {
        let changed = [(id, new.inbox_id)];
        super::activity::assigned_in_tx(
            tx,
            new.account_id,
            &changed,
            picked,
            Actor::Automatic,
            now,
        )
        .await?;
    }
    Ok(summary)
}
