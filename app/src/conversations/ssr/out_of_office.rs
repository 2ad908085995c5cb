//! The out-of-office reply (issue 31): a customer who writes outside her inbox's
//! business hours gets the inbox's reply once per conversation, through the one path
//! every outgoing message takes (outbox, channel adapter), and the agents see a line
//! saying so. A conversation pending with an agent bot is the bot's to answer (the
//! caller does not ask); once handed to the team, the reply is sent as anywhere.
use super::access::summary_in_tx;
use super::messages::{emit_message, insert_outgoing_in_tx, message_in_tx, Author, OutgoingRow};
use crate::db::WriteTx;
use crate::error::AppError;
use crate::inboxes::ssr::business_hours::{hours_of, open_at};

/// After a customer's message in `conversation_id` (inside its transaction): the reply,
/// if the hours say the team is away and the conversation has not had it yet.
pub async fn reply_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversation_id: i64,
    inbox_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let Some(hours) = hours_of(tx.conn(), None, inbox_id).await? else {
        return Ok(());
    };
    if !hours.enabled || hours.out_of_office.is_empty() || open_at(&hours, now) {
        return Ok(());
    }
    let first = sqlx::query(
        "UPDATE conversations SET out_of_office_at = $1 WHERE id = $2 AND out_of_office_at IS NULL",
    )
    .bind(now)
    .bind(conversation_id)
    .execute(tx.conn())
    .await?;
    if first.rows_affected() == 0 {
        return Ok(());
    }
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    let row = OutgoingRow {
        body: &hours.out_of_office,
        private: false,
        idempotency_key: None,
        content_type: "text",
        extra: None,
        reply_to: None,
    };
    let author = Author::Automatic { account_id };
    let id = insert_outgoing_in_tx(tx, author, &before, &row, now).await?;
    let message = message_in_tx(tx.conn(), id).await?;
    emit_message(tx, &before, &message).await?;
    let changed = [(before.id, before.inbox_id)];
    super::activity::out_of_office_in_tx(tx, account_id, &changed, now).await?;
    Ok(())
}
