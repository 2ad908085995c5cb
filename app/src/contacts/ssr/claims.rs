//! What a customer says about herself (a website visitor's pre-chat form, a Client
//! API contact): her name, which becomes the contact's, and an email kept as a claim
//! beside it, never used to join another contact.
use crate::db::{now_ms, WriteTx};
use crate::domain::contact::{contact_search_text, sort_name};
use crate::domain::EmailAddress;
use crate::error::AppError;

use super::store::contact_changed_in_tx;

/// Renames the contact and/or records her claimed email; the search text and sort
/// name follow the new name. Appends the contact's change when anything changed.
pub async fn claim_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact_id: i64,
    name: Option<&str>,
    email: Option<&EmailAddress>,
) -> Result<(), AppError> {
    if name.is_none() && email.is_none() {
        return Ok(());
    }
    let (current, real_email, phone, claimed): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT name, email, phone_e164, claimed_email FROM contacts WHERE id = $1 AND account_id = $2",
    )
    .bind(contact_id)
    .bind(account_id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(AppError::NotFound)?;
    let name = name.unwrap_or(&current);
    // Said again on every message or page: no write and no event when nothing changed.
    if name == current && email.is_none_or(|e| claimed.as_deref() == Some(e.as_str())) {
        return Ok(());
    }
    let digits = phone.as_deref().map(|p| p.trim_start_matches('+'));
    sqlx::query(
        "UPDATE contacts SET name = $1, claimed_email = COALESCE($2, claimed_email), search_text = $3, \
         sort_name = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(name)
    .bind(email.map(EmailAddress::as_str))
    .bind(contact_search_text(name, real_email.as_deref(), digits))
    .bind(sort_name(name, real_email.as_deref(), phone.as_deref()))
    .bind(now_ms())
    .bind(contact_id)
    .execute(tx.conn())
    .await?;
    contact_changed_in_tx(tx, account_id, contact_id, false).await?;
    Ok(())
}
