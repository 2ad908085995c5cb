//! The audit trail of what happens to contacts: ids only, never their data (a deleted
//! contact's entry must not keep what was erased).
use crate::agents::AgentProfile;
use crate::db::{now_ms, WriteTx};

/// Records `action` (`contact.deleted`, `contact.merged`) on contact `contact_id`.
pub async fn record_in_tx(
    tx: &mut WriteTx,
    actor: &AgentProfile,
    action: &str,
    contact_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (account_id, actor_agent_id, action, subject_kind, subject_id, created_at) \
         VALUES ($1, $2, $3, 'contact', $4, $5)",
    )
    .bind(actor.account_id)
    .bind(actor.id)
    .bind(action)
    .bind(contact_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}
