//! Muting a conversation, as Chatwoot's "Mute conversation": its customer is blocked
//! (the flag is the contact's, so every conversation of hers is muted) and the
//! conversation resolved; her later messages are kept but reopen, notify and assign
//! nothing (`messages::receive`, `opening`). Unmuting unblocks her and leaves the
//! status as it is. Both say so in the thread, in the change's one transaction.
use super::access::{visible_conversation, Viewer};
use super::actions::append_change;
use super::activity;
use crate::agents::AgentProfile;
use crate::conversations::model::ConversationSummary;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Mutes (`true`) or unmutes the conversation; unmuting an unmuted one, or muting a
/// resolved one whose customer is blocked, changes nothing.
pub async fn set_muted(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    muted: bool,
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    // Muting always resolves, even where she was already blocked (another conversation
    // of hers muted, or `blocked` set through the API). No satisfaction survey for a
    // conversation closed because it is unwanted.
    let resolves = muted && before.status != ConversationStatus::Resolved;
    if before.muted == muted && !resolves {
        return Ok(before);
    }
    let account_id = agent.account_id;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let after = set_muted_in_tx(&mut tx, account_id, &before, muted, now).await?;
    let changed = [(before.id, before.inbox_id)];
    activity::muted_in_tx(
        &mut tx,
        account_id,
        &changed,
        muted,
        agent.shown_name(),
        now,
    )
    .await?;
    hub.commit(tx).await?;
    Ok(after)
}

/// The change itself in the caller's transaction (an agent's, or a rule's or macro's
/// run, whose own activity line says it): the conversation resolved when muting, the
/// customer blocked or unblocked, and their events. The conversation after.
pub async fn set_muted_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    before: &ConversationSummary,
    muted: bool,
    now: i64,
) -> Result<ConversationSummary, AppError> {
    let resolves = muted && before.status != ConversationStatus::Resolved;
    // The conversation's row before the contact's, in the order a customer's message
    // takes them (on PostgreSQL the opposite order could deadlock against one arriving).
    sqlx::query(
        "UPDATE conversations SET status = CASE WHEN $1 = 1 THEN 'resolved' ELSE status END, \
         snoozed_until = CASE WHEN $1 = 1 THEN NULL ELSE snoozed_until END, updated_at = $2 WHERE id = $3",
    )
    .bind(i64::from(resolves))
    .bind(now)
    .bind(before.id)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "UPDATE contacts SET blocked = $1, updated_at = $2 WHERE id = $3 AND account_id = $4",
    )
    .bind(i64::from(muted))
    .bind(now)
    .bind(before.contact_id)
    .bind(account_id)
    .execute(tx.conn())
    .await?;
    let after = append_change(tx, account_id, before).await?;
    // Webhooks' `contact_updated`: the contact's `blocked` changed.
    tx.append_event(
        account_id,
        EventScope::default(),
        LiveEvent::ContactChanged {
            contact_id: before.contact_id,
            created: false,
        },
    )
    .await?;
    Ok(after)
}
