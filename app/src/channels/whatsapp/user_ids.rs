//! Business-scoped user ids (BSUIDs): since 2026 Meta names every WhatsApp user by one
//! beside her number, and leaves the number out once she adopts a username. Charla
//! keeps the id on her identity whenever both arrive, so a later message carrying only
//! the id still reaches her contact and conversations; a customer first met without a
//! number is known by the id alone (and answered through it, `recipient`).
use super::inbox::WhatsAppInbox;
use super::webhook::Incoming;
use super::WhatsApp;
use crate::contacts::ssr::store::{contact_changed_in_tx, fill_missing_in_tx};
use crate::error::AppError;

/// Puts the number back in `incoming.from` when Meta sent only the id of a customer
/// Charla already knows by her number; when both come and she was first met by the id
/// alone, her identity takes the number (one customer, not two). `true` when the id
/// still has to be recorded on her identity (see [`remember`]).
pub(super) async fn resolve(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &mut Incoming,
) -> Result<bool, AppError> {
    let Some(user_id) = incoming.user_id.clone() else {
        return Ok(false);
    };
    if incoming.from == user_id {
        let known: Option<String> = sqlx::query_scalar(
            "SELECT external_id FROM contact_identities \
             WHERE inbox_id = $1 AND kind = 'whatsapp' AND user_id = $2 ORDER BY id LIMIT 1",
        )
        .bind(inbox.id)
        .bind(&user_id)
        .fetch_optional(&wa.db.pool)
        .await?;
        if let Some(number) = known {
            incoming.from = number;
        }
        return Ok(false);
    }
    let found: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT external_id, user_id FROM contact_identities \
         WHERE inbox_id = $1 AND kind = 'whatsapp' AND external_id IN ($2, $3)",
    )
    .bind(inbox.id)
    .bind(&incoming.from)
    .bind(&user_id)
    .fetch_all(&wa.db.pool)
    .await?;
    if let Some((_, recorded)) = found.iter().find(|(key, _)| *key == incoming.from) {
        return Ok(recorded.as_deref() != Some(user_id.as_str()));
    }
    if found.is_empty() {
        // A newcomer: her identity is made with the message, the id recorded after.
        return Ok(true);
    }
    let mut tx = wa.db.begin_write().await?;
    let moved: Option<i64> = sqlx::query_scalar(
        "UPDATE contact_identities SET external_id = $1, user_id = $2 \
         WHERE inbox_id = $3 AND kind = 'whatsapp' AND external_id = $2 RETURNING contact_id",
    )
    .bind(&incoming.from)
    .bind(&user_id)
    .bind(inbox.id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(contact_id) = moved {
        let phone = wa.phone_of(&incoming.from);
        fill_missing_in_tx(&mut tx, contact_id, None, phone.as_ref()).await?;
        contact_changed_in_tx(&mut tx, inbox.account_id, contact_id, false).await?;
    }
    wa.hub.commit(tx).await?;
    Ok(false)
}

/// Records the id on the identity her message came from (a no-op once it is there).
pub(super) async fn remember(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<(), AppError> {
    let Some(user_id) = incoming.user_id.as_deref() else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE contact_identities SET user_id = $1 WHERE inbox_id = $2 AND kind = 'whatsapp' \
         AND external_id = $3 AND (user_id IS NULL OR user_id <> $1)",
    )
    .bind(user_id)
    .bind(inbox.id)
    .bind(&incoming.from)
    .execute(&wa.db.pool)
    .await?;
    Ok(())
}

/// `user_changed_user_id`: Meta gave her a new id. An identity known by the old id
/// (alone, or beside her number) answers to the new one; `true` when one did.
pub(super) async fn changed(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<bool, AppError> {
    let (Some(previous), Some(new)) = (
        incoming.previous_user_id.as_deref(),
        incoming.new_user_id.as_deref(),
    ) else {
        return Ok(false);
    };
    let mut tx = wa.db.begin_write().await?;
    // Known by the id alone: the id is her key too, unless the new one is taken.
    let mut moved = 0;
    if !identity_exists(tx.conn(), inbox.id, new).await? {
        moved += sqlx::query(
            "UPDATE contact_identities SET external_id = $1, user_id = $1 \
             WHERE inbox_id = $2 AND kind = 'whatsapp' AND external_id = $3",
        )
        .bind(new)
        .bind(inbox.id)
        .bind(previous)
        .execute(tx.conn())
        .await?
        .rows_affected();
    }
    moved += sqlx::query(
        "UPDATE contact_identities SET user_id = $1 \
         WHERE inbox_id = $2 AND kind = 'whatsapp' AND user_id = $3",
    )
    .bind(new)
    .bind(inbox.id)
    .bind(previous)
    .execute(tx.conn())
    .await?
    .rows_affected();
    wa.hub.commit(tx).await?;
    Ok(moved > 0)
}

/// Whether a WhatsApp identity of the inbox already answers to `key` (a number or an id).
pub(super) async fn identity_exists(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    key: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contact_identities WHERE inbox_id = $1 AND kind = 'whatsapp' AND external_id = $2",
    )
    .bind(inbox_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
