//! Where a customer's message goes (S12): the newest conversation of that contact in
//! that inbox, whatever older ones are doing. An agent's "Nueva conversación" therefore
//! takes over the thread for good: older conversations keep their history but never
//! receive the customer's messages again. When the newest is resolved, the message
//! opens a new conversation, or reopens that one where the inbox says so
//! (`reopen_resolved` in its settings; off by default, as a resolved case is closed).
//! Website visitors are routed by their own identity, never by a contact they merely
//! share (a typed email is a claim, and claims never join conversations). Opening a
//! conversation, by a customer or by an agent, is here too.
use super::blocked::contact_blocked;
use super::opening::{insert_in_tx, Opened};
use crate::db::WriteTx;
use crate::error::AppError;

pub use super::opening::{open_conversation_in_tx, NewConversation};

/// The conversation a customer's message joins, and whether it was opened for it: a
/// new one is announced by `receive_in_tx` once the message is stored (see `opening`).
#[derive(Debug, Clone)]
#[must_use = "a conversation opened for a message is announced by `receive_in_tx`"]
pub struct Routed {
    pub id: i64,
    pub opened: Option<Opened>,
}

impl From<i64> for Routed {
    fn from(id: i64) -> Self {
        Routed { id, opened: None }
    }
}

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
) -> Result<Routed, AppError> {
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
) -> Result<Routed, AppError> {
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
    if let Some((id, status)) = newest_conversation(tx.conn(), inbox_id, customer).await? {
        // A resolved one is reopened by `receive_in_tx` when the inbox keeps it; a
        // blocked customer's messages join it quietly, whatever its status.
        if status != "resolved"
            || reopens_resolved(tx.conn(), inbox_id).await?
            || contact_blocked(tx.conn(), contact_id).await?
        {
            return Ok(id.into());
        }
    }
    let opened = insert_in_tx(
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
    .await?;
    Ok(Routed {
        id: opened.id,
        opened: Some(opened),
    })
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
