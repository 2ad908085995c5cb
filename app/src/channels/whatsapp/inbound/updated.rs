//! One message changed after it was stored (a delivery state moved, a file came): both
//! the webhook and the file queue tell it the same way, so it lives below both.
use crate::conversations::ssr::messages::{account_of, message_in_tx};
use crate::db::WriteTx;
use crate::events::{EventScope, LiveEvent};

/// The message as it is now, told to whoever sees its conversation (a delivery state
/// moved, a file came).
pub(super) async fn message_updated_in_tx(
    tx: &mut WriteTx,
    message_id: i64,
    conversation_id: i64,
    inbox_id: i64,
) -> Result<(), sqlx::Error> {
    let view = message_in_tx(tx.conn(), message_id).await?;
    let account_id = account_of(tx, conversation_id).await?;
    tx.append_event(
        account_id,
        EventScope {
            inbox_id: Some(inbox_id),
            conversation_id: Some(conversation_id),
            agent_id: None,
        },
        LiveEvent::MessageUpdated { message: view },
    )
    .await
}
