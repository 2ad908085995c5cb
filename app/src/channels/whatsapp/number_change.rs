//! Meta's `system` message `user_changed_number`: the customer keeps her contact and
//! her conversations. Her WhatsApp identity answers to the new number from now on, her
//! contact's phone follows when it was the old one (and no other contact has the new
//! one), and her latest conversation gets a line saying so. Redelivered, it finds no
//! identity under the old number and changes nothing.
use super::inbox::WhatsAppInbox;
use super::user_ids::identity_exists;
use super::webhook::Incoming;
use super::WhatsApp;
use crate::contacts::ssr::store::{contact_changed_in_tx, fill_missing_in_tx};
use crate::conversations::ssr::activity;
use crate::db::now_ms;
use crate::error::AppError;

/// `true` when the identity moved to the new number.
pub(super) async fn follow(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<bool, AppError> {
    let Some(new) = incoming.changed_number_to.as_deref() else {
        return Ok(false);
    };
    if new == incoming.from {
        return Ok(false);
    }
    let mut tx = wa.db.begin_write().await?;
    if identity_exists(tx.conn(), inbox.id, new).await? {
        // Someone already writes from the new number here: two people, kept apart.
        return Ok(false);
    }
    let moved: Option<i64> = sqlx::query_scalar(
        "UPDATE contact_identities SET external_id = $1, user_id = COALESCE($4, user_id) \
         WHERE inbox_id = $2 AND kind = 'whatsapp' AND external_id = $3 RETURNING contact_id",
    )
    .bind(new)
    .bind(inbox.id)
    .bind(&incoming.from)
    .bind(incoming.new_user_id.as_deref())
    .fetch_optional(tx.conn())
    .await?;
    let Some(contact_id) = moved else {
        return Ok(false);
    };
    if let (Some(old_phone), Some(new_phone)) = (wa.phone_of(&incoming.from), wa.phone_of(new)) {
        let other: Option<i64> =
            sqlx::query_scalar("SELECT id FROM contacts WHERE account_id = $1 AND phone_e164 = $2")
                .bind(inbox.account_id)
                .bind(new_phone.as_str())
                .fetch_optional(tx.conn())
                .await?;
        let cleared =
            sqlx::query("UPDATE contacts SET phone_e164 = NULL WHERE id = $1 AND phone_e164 = $2")
                .bind(contact_id)
                .bind(old_phone.as_str())
                .execute(tx.conn())
                .await?
                .rows_affected();
        if other.is_none() && cleared > 0 {
            fill_missing_in_tx(&mut tx, contact_id, None, Some(&new_phone)).await?;
        } else if cleared > 0 {
            // The new number is another contact's: keep the old one rather than none.
            sqlx::query("UPDATE contacts SET phone_e164 = $1 WHERE id = $2")
                .bind(old_phone.as_str())
                .bind(contact_id)
                .execute(tx.conn())
                .await?;
        }
        contact_changed_in_tx(&mut tx, inbox.account_id, contact_id, false).await?;
    }
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE contact_id = $1 AND inbox_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(contact_id)
    .bind(inbox.id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(conversation_id) = latest {
        activity::number_changed_in_tx(
            &mut tx,
            inbox.account_id,
            &[(conversation_id, inbox.id)],
            &format!("+{}", incoming.from),
            &format!("+{new}"),
            now_ms(),
        )
        .await?;
    }
    wa.hub.commit(tx).await?;
    Ok(true)
}
