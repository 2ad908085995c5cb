//! Status changes: resolve, reopen, mark pending, snooze; and the hand-off of a
//! conversation out of an agent bot's hands (pending to open).
use super::access::{visible_conversation, Viewer};
use super::actions::append_change;
use super::activity;
use crate::agents::AgentProfile;
use crate::conversations::model::ConversationSummary;
use crate::db::{now_ms, Db};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::live::hub::Hub;

/// Resolve, reopen, mark pending, or snooze until a time (`None`: until the next reply).
pub async fn set_status(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    status: ConversationStatus,
    snoozed_until: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    change_status(
        db,
        hub,
        agent.account_id,
        &before,
        status,
        snoozed_until,
        None,
    )
    .await
}

/// [`set_status`] once the caller is known to be allowed; `bot` names the agent bot
/// that asks. Out of pending into open is a hand-off: the conversation goes to whoever's
/// turn it is (if nobody online has it), and a bot's hand-off is said in the thread.
pub async fn change_status(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    before: &ConversationSummary,
    status: ConversationStatus,
    snoozed_until: Option<i64>,
    bot: Option<&str>,
) -> Result<ConversationSummary, AppError> {
    let conversation_id = before.id;
    let now = now_ms();
    let snoozed_until = match status {
        ConversationStatus::Snoozed => match snoozed_until {
            Some(at) if at <= now => return Err(AppError::validation("snoozed_until", "in_past")),
            other => other,
        },
        _ => None,
    };
    let mut tx = db.begin_write().await?;
    // Out of a bot's hands (an agent opening a conversation she set pending herself
    // in an inbox without a bot keeps it as it was). The inbox's assignment turn is
    // taken before the conversation's row, as a customer's message takes them.
    let handed = before.status == ConversationStatus::Pending
        && status == ConversationStatus::Open
        && (bot.is_some() || super::opening::has_bot(tx.conn(), before.inbox_id).await?);
    let picked = match handed {
        true => super::assignment::reopened_in_tx(&mut tx, before).await?,
        false => None,
    };
    sqlx::query(
        "UPDATE conversations SET status = $1, snoozed_until = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(snoozed_until)
    .bind(now)
    .bind(conversation_id)
    .execute(tx.conn())
    .await?;
    let after = append_change(&mut tx, account_id, before).await?;
    super::survey::on_status_in_tx(&mut tx, account_id, before, status, now).await?;
    let changed = [(before.id, before.inbox_id)];
    if handed && bot.is_some() {
        activity::handed_off_in_tx(&mut tx, account_id, &changed, bot, now).await?;
    }
    if let Some(picked) = &picked {
        activity::picked_in_tx(&mut tx, account_id, &changed, picked, now).await?;
    }
    hub.commit(tx).await?;
    Ok(after)
}
