//! The event every change of a contact appends (webhooks' `contact_created` and
//! `contact_updated`).
use crate::db::WriteTx;

/// Tells webhooks a contact was created or changed (in the change's own transaction).
pub async fn contact_changed_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact_id: i64,
    created: bool,
) -> Result<(), sqlx::Error> {
    tx.append_event(
        account_id,
        crate::events::EventScope::default(),
        crate::events::LiveEvent::ContactChanged {
            contact_id,
            created,
        },
    )
    .await
}
