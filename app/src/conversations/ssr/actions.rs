//! Assignment, status changes (resolve, reopen, snooze) and read markers.
use super::access::{inbox_teammates, summary_in_tx, visible_conversation, Viewer};
use super::activity::{self, Actor};
use super::messages::mark_read_in_tx;
use crate::agents::AgentProfile;
use crate::conversations::model::ConversationSummary;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::{ConversationStatus, Priority};
use crate::error::AppError;
use crate::events::{ConversationState, EventScope, LiveEvent};
use crate::live::hub::Hub;
use crate::live::typing::{Said, Signal};

pub use super::status::{change_status, set_status};

/// Assigns to a teammate who can see the inbox, or unassigns with `None`.
pub async fn assign(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    assignee_id: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let by = Actor::agent(agent);
    assign_as(db, hub, agent.account_id, &before, assignee_id, by).await
}

/// [`assign`] by someone who is not a signed-in agent (an agent bot), on a
/// conversation the caller has already found theirs to change.
pub async fn assign_as(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    before: &ConversationSummary,
    assignee_id: Option<i64>,
    by: Actor<'_>,
) -> Result<ConversationSummary, AppError> {
    if let Some(assignee) = assignee_id {
        let allowed = inbox_teammates(db, account_id, before.inbox_id).await?;
        if !allowed.iter().any(|(id, _)| *id == assignee) {
            return Err(AppError::validation("assignee", "invalid"));
        }
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee_id)
        .bind(now)
        .bind(before.id)
        .execute(tx.conn())
        .await?;
    let after = append_change(&mut tx, account_id, before).await?;
    if before.assignee_id != assignee_id {
        let changed = [(before.id, before.inbox_id)];
        activity::assigned_in_tx(&mut tx, account_id, &changed, assignee_id, by, now).await?;
    }
    hub.commit(tx).await?;
    Ok(after)
}

/// Sets how urgent a conversation is.
pub async fn set_priority(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    priority: Priority,
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE conversations SET priority = $1, updated_at = $2 WHERE id = $3")
        .bind(priority.rank())
        .bind(now_ms())
        .bind(conversation_id)
        .execute(tx.conn())
        .await?;
    emit_change(tx, hub, agent.account_id, &before).await
}

/// Puts a conversation in a team's queue (`None`: in no team's).
pub async fn set_team(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    team_id: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let by = Actor::agent(agent);
    set_team_as(db, hub, agent.account_id, &before, team_id, by).await
}

/// [`set_team`] by someone who is not a signed-in agent (an agent bot), on a
/// conversation the caller has already found theirs to change.
pub async fn set_team_as(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    before: &ConversationSummary,
    team_id: Option<i64>,
    by: Actor<'_>,
) -> Result<ConversationSummary, AppError> {
    let mut tx = db.begin_write().await?;
    if let Some(team) = team_id {
        if !crate::teams::ssr::exists(tx.conn(), account_id, team).await? {
            return Err(AppError::validation("team", "invalid"));
        }
    }
    let now = now_ms();
    sqlx::query("UPDATE conversations SET team_id = $1, updated_at = $2 WHERE id = $3")
        .bind(team_id)
        .bind(now)
        .bind(before.id)
        .execute(tx.conn())
        .await?;
    let after = append_change(&mut tx, account_id, before).await?;
    if before.team_id != team_id {
        let changed = [(before.id, before.inbox_id)];
        activity::team_in_tx(&mut tx, account_id, &changed, team_id, by, now).await?;
    }
    hub.commit(tx).await?;
    Ok(after)
}

/// Puts exactly these labels on a conversation (the chat's label menu sends the whole
/// set). A label that is not the account's refuses the change as a whole.
pub async fn set_labels(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    label_ids: &[i64],
) -> Result<ConversationSummary, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let mut wanted = label_ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() > crate::labels::model::MAX_PER_ITEM {
        return Err(AppError::validation("labels", "too_many"));
    }
    let mut tx = db.begin_write().await?;
    let known = crate::labels::ssr::existing_in_tx(&mut tx, agent.account_id, &wanted).await?;
    if known.len() != wanted.len() {
        return Err(AppError::validation("labels", "invalid"));
    }
    let now = now_ms();
    for gone in before.label_ids.iter().filter(|id| !wanted.contains(id)) {
        sqlx::query("DELETE FROM conversation_labels WHERE conversation_id = $1 AND label_id = $2")
            .bind(conversation_id)
            .bind(gone)
            .execute(tx.conn())
            .await?;
    }
    for added in wanted.iter().filter(|id| !before.label_ids.contains(id)) {
        sqlx::query(
            "INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (conversation_id, label_id) DO NOTHING",
        )
        .bind(conversation_id)
        .bind(added)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    sqlx::query("UPDATE conversations SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(conversation_id)
        .execute(tx.conn())
        .await?;
    emit_change(tx, hub, agent.account_id, &before).await
}

/// Snoozed conversations whose time has come open again (run by a worker).
pub async fn wake_snoozed(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    let now = now_ms();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE status = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= $1",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    for id in &ids {
        let mut tx = db.begin_write().await?;
        let before = summary_in_tx(tx.conn(), *id).await?;
        if before.status != ConversationStatus::Snoozed {
            continue;
        }
        sqlx::query("UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(tx.conn())
            .await?;
        let account_id = super::messages::account_of(&mut tx, *id).await?;
        emit_change(tx, hub, account_id, &before).await?;
    }
    Ok(ids.len())
}

/// Opening a conversation marks it read for this agent, and her notifications of it;
/// a web-chat customer's widget hears it ("Visto").
pub async fn mark_read(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
) -> Result<(), AppError> {
    let summary = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let mut tx = db.begin_write().await?;
    let at = now_ms();
    mark_read_in_tx(&mut tx, conversation_id, agent.id, at).await?;
    crate::notifications::ssr::seen_in_tx(&mut tx, agent.id, conversation_id, at).await?;
    tx.finish().await?;
    if summary.channel == crate::domain::ChannelKind::WebChat {
        let said = Said::Read {
            conversation_id,
            at,
        };
        hub.say(
            db,
            Signal {
                account_id: agent.account_id,
                inbox_id: summary.inbox_id,
                said,
            },
        )
        .await;
    }
    Ok(())
}

pub async fn mark_unread(
    db: &Db,
    agent: &AgentProfile,
    conversation_id: i64,
) -> Result<(), AppError> {
    visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, agent_id, last_read_at, marked_unread) VALUES ($1, $2, 0, 1) \
         ON CONFLICT (conversation_id, agent_id) DO UPDATE SET marked_unread = 1",
    )
    .bind(conversation_id)
    .bind(agent.id)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(())
}

/// Re-reads the changed conversation, appends the change event and commits.
async fn emit_change(
    mut tx: WriteTx,
    hub: &Hub,
    account_id: i64,
    before: &ConversationSummary,
) -> Result<ConversationSummary, AppError> {
    let after = append_change(&mut tx, account_id, before).await?;
    hub.commit(tx).await?;
    Ok(after)
}

/// Re-reads the changed conversation and appends the change event.
pub(super) async fn append_change(
    tx: &mut WriteTx,
    account_id: i64,
    before: &ConversationSummary,
) -> Result<ConversationSummary, sqlx::Error> {
    let after = summary_in_tx(tx.conn(), before.id).await?;
    tx.append_event(account_id, scope(before), changed(before, &after))
        .await?;
    Ok(after)
}

pub(super) fn scope(conversation: &ConversationSummary) -> EventScope {
    EventScope {
        inbox_id: Some(conversation.inbox_id),
        conversation_id: Some(conversation.id),
        agent_id: None,
    }
}

pub(super) fn changed(before: &ConversationSummary, after: &ConversationSummary) -> LiveEvent {
    LiveEvent::ConversationChanged {
        conversation: after.clone(),
        previous: Some(ConversationState::of(before)),
    }
}

/// The agent's "retry" of a failed message in a conversation she can see.
pub async fn retry(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    message_id: i64,
) -> Result<(), AppError> {
    visible_conversation(db, agent.into(), conversation_id).await?;
    let belongs: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE id = $1 AND conversation_id = $2")
            .bind(message_id)
            .bind(conversation_id)
            .fetch_optional(&db.pool)
            .await?;
    if belongs.is_none() {
        return Err(AppError::NotFound);
    }
    crate::outbox::retry(db, hub, message_id).await?;
    Ok(())
}
