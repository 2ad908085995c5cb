//! A visitor's answer by email to a reply mailed to her (`mailing`) goes back into her
//! website conversation, when it comes from the address the reply went to (anyone can
//! write In-Reply-To; the mail's id, an HMAC under a server key, is known only to its
//! recipient).
use crate::db::WriteTx;

/// The website conversation an inbound mail answers.
pub struct WidgetThread {
    pub conversation_id: i64,
    pub contact_id: i64,
    pub inbox_id: i64,
}

pub async fn thread_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    thread_ids: &[String],
    from_address: &str,
) -> Result<Option<WidgetThread>, sqlx::Error> {
    for id in thread_ids {
        let row: Option<(i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.contact_id, c.inbox_id, COALESCE(ct.email, ct.claimed_email) \
             FROM widget_mailings w JOIN conversations c ON c.id = w.conversation_id \
             JOIN contacts ct ON ct.id = c.contact_id \
             WHERE w.mail_id = $1 AND c.account_id = $2 LIMIT 1",
        )
        .bind(id)
        .bind(account_id)
        .fetch_optional(tx.conn())
        .await?;
        if let Some((conversation_id, contact_id, inbox_id, Some(address))) = row {
            if address.eq_ignore_ascii_case(from_address) {
                return Ok(Some(WidgetThread {
                    conversation_id,
                    contact_id,
                    inbox_id,
                }));
            }
        }
    }
    Ok(None)
}

/// Whether this mail is already in the conversation (a poll that stored it and
/// stopped before marking it seen).
pub async fn stored_in_tx(
    tx: &mut WriteTx,
    thread: &WidgetThread,
    message_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE inbox_id = $1 AND external_id = $2")
            .bind(thread.inbox_id)
            .bind(message_id)
            .fetch_optional(tx.conn())
            .await?;
    Ok(found.is_some())
}
