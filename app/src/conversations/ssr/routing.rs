//! Where a customer's message goes (S12): the newest conversation of that contact in
//! that inbox that is not resolved; when every earlier one is resolved (or there is
//! none), a new conversation. An agent's "Nueva conversación" therefore takes over
//! the thread from older open ones, which keep their history.
use super::messages::{open_conversation_in_tx, NewConversation};
use crate::db::WriteTx;
use crate::error::AppError;

/// The conversation a customer's message joins, opening one when needed.
pub async fn conversation_for_inbound(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
    contact_id: i64,
    identity_id: Option<i64>,
) -> Result<i64, AppError> {
    if let Some(id) = current_conversation(tx.conn(), inbox_id, contact_id).await? {
        return Ok(id);
    }
    Ok(open_conversation_in_tx(
        tx,
        NewConversation {
            account_id,
            inbox_id,
            contact_id,
            identity_id,
            assignee_id: None,
            subject: None,
        },
    )
    .await?
    .id)
}

/// The newest not-resolved conversation of the contact in the inbox.
pub async fn current_conversation(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    contact_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM conversations WHERE contact_id = $1 AND inbox_id = $2 AND status <> 'resolved' \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(contact_id)
    .bind(inbox_id)
    .fetch_optional(conn)
    .await
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
