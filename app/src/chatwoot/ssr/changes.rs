//! Changes to a conversation through the API (status, priority, assignment, team,
//! labels), each through the dashboard's own service, which checks visibility and the
//! domain rules and appends the live events.
use super::conversations::{get, resolve};
use super::render;
use super::Caller;
use crate::chatwoot::model as cw;
use crate::conversations::model::ConversationSummary;
use crate::conversations::ssr::actions;
use crate::domain::{ConversationStatus, Priority};
use crate::error::AppError;

/// `toggle_status`: to the status asked, or open ↔ resolved when none is.
pub async fn toggle_status(
    caller: &Caller<'_>,
    display_id: i64,
    status: Option<&str>,
    snoozed_until_secs: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    let row = resolve(caller, display_id).await?;
    let next = match status {
        Some(text) => ConversationStatus::parse(text)
            .ok_or_else(|| AppError::validation("status", "invalid"))?,
        None if row.status == ConversationStatus::Open => ConversationStatus::Resolved,
        None => ConversationStatus::Open,
    };
    let until = snoozed_until_secs.map(|s| s.saturating_mul(1000));
    let state = caller.state;
    actions::set_status(&state.db, &state.hub, caller.agent, row.id, next, until).await
}

/// `toggle_priority` and `PATCH`: `None` clears it.
pub async fn set_priority(
    caller: &Caller<'_>,
    display_id: i64,
    priority: Option<&str>,
) -> Result<ConversationSummary, AppError> {
    let row = resolve(caller, display_id).await?;
    let priority = match priority {
        None => Priority::None,
        Some(text) => Priority::parse(text)
            .filter(|p| *p != Priority::None)
            .ok_or_else(|| AppError::validation("priority", "invalid"))?,
    };
    let state = caller.state;
    actions::set_priority(&state.db, &state.hub, caller.agent, row.id, priority).await
}

/// `mute` (blocks the customer and resolves it) and `unmute`.
pub async fn set_muted(
    caller: &Caller<'_>,
    display_id: i64,
    muted: bool,
) -> Result<ConversationSummary, AppError> {
    let row = resolve(caller, display_id).await?;
    let state = caller.state;
    crate::conversations::ssr::muting::set_muted(&state.db, &state.hub, caller.agent, row.id, muted)
        .await
}

/// `assignments` with an `assignee_id` (`None`: unassign): the agent now assigned.
pub async fn assign(
    caller: &Caller<'_>,
    display_id: i64,
    assignee_id: Option<i64>,
) -> Result<Option<cw::Agent>, AppError> {
    let row = resolve(caller, display_id).await?;
    let state = caller.state;
    let after = actions::assign(&state.db, &state.hub, caller.agent, row.id, assignee_id).await?;
    assignee_of(caller, &after).await
}

/// The agent a conversation is now assigned to, as `assignments` answers.
pub async fn assignee_of(
    caller: &Caller<'_>,
    after: &ConversationSummary,
) -> Result<Option<cw::Agent>, AppError> {
    let Some(id) = after.assignee_id else {
        return Ok(None);
    };
    let agents = crate::agents::ssr::list_team(caller.db(), caller.agent.account_id).await?;
    Ok(agents.iter().find(|a| a.id == id).map(render::agent))
}

/// `assignments` with a `team_id` (`None`: out of any team's queue): the team now set.
pub async fn set_team(
    caller: &Caller<'_>,
    display_id: i64,
    team_id: Option<i64>,
) -> Result<Option<cw::Team>, AppError> {
    let row = resolve(caller, display_id).await?;
    let state = caller.state;
    let after = actions::set_team(&state.db, &state.hub, caller.agent, row.id, team_id).await?;
    team_of(caller, &after).await
}

/// The team whose queue a conversation is now in, as `assignments` answers.
pub async fn team_of(
    caller: &Caller<'_>,
    after: &ConversationSummary,
) -> Result<Option<cw::Team>, AppError> {
    let Some(id) = after.team_id else {
        return Ok(None);
    };
    let account = caller.agent.account_id;
    let teams = crate::teams::ssr::list(caller.db(), account).await?;
    Ok(teams
        .iter()
        .find(|t| t.id == id)
        .map(|t| render::team(t, account, caller.agent.id)))
}

pub async fn labels(caller: &Caller<'_>, display_id: i64) -> Result<Vec<String>, AppError> {
    Ok(get(caller, display_id).await?.labels)
}

/// Replaces the conversation's labels by these titles; a title the account does not
/// have is refused (labels are the administrators' to create) and nothing changes.
pub async fn set_labels(
    caller: &Caller<'_>,
    display_id: i64,
    titles: &[String],
) -> Result<Vec<String>, AppError> {
    let row = resolve(caller, display_id).await?;
    let ids = label_ids(caller, titles).await?;
    let state = caller.state;
    actions::set_labels(&state.db, &state.hub, caller.agent, row.id, &ids).await?;
    labels(caller, display_id).await
}

/// The account's labels by these titles (any case); a title it does not have is
/// refused (labels are the administrators' to create).
pub async fn label_ids(caller: &Caller<'_>, titles: &[String]) -> Result<Vec<i64>, AppError> {
    let known = crate::labels::ssr::list(caller.db(), caller.agent.account_id).await?;
    titles
        .iter()
        .map(|title| {
            known
                .iter()
                .find(|l| l.name.eq_ignore_ascii_case(title.trim()))
                .map(|l| l.id)
                .ok_or_else(|| AppError::validation("labels", "unknown"))
        })
        .collect()
}

/// `toggle_typing_status`: the agent is writing (or has stopped) in the conversation, as
/// her composer says it — the customer's widget shows it (never for a note), teammates
/// see it, and `conversation_typing_on`/`off` webhooks hear it.
pub async fn typing(
    caller: &Caller<'_>,
    display_id: i64,
    on: bool,
    private: bool,
) -> Result<(), AppError> {
    let name = caller.agent.shown_name().to_owned();
    typing_as(caller, display_id, (caller.agent.id, name), on, private).await
}

/// [`typing`] for a writer who is not the caller's agent (an agent bot: the
/// installation's id, 0, and the bot's name, which readers show).
pub async fn typing_as(
    caller: &Caller<'_>,
    display_id: i64,
    (agent_id, name): (i64, String),
    on: bool,
    private: bool,
) -> Result<(), AppError> {
    use crate::live::typing::{Said, Signal, Typing};
    let row = resolve(caller, display_id).await?;
    let signal = Signal {
        account_id: caller.agent.account_id,
        inbox_id: row.inbox_id,
        said: Said::Typing(Typing {
            conversation_id: row.id,
            agent_id: Some(agent_id),
            name,
            private,
            typing: on,
        }),
    };
    caller.state.hub.say(caller.db(), signal).await;
    Ok(())
}

/// `update_last_seen` (`read`) and `unread`: the caller has read the conversation, or
/// marks it unread for herself, as opening it and "Marcar como no leída" do.
pub async fn seen(caller: &Caller<'_>, display_id: i64, read: bool) -> Result<(), AppError> {
    let row = resolve(caller, display_id).await?;
    if read {
        actions::mark_read(caller.db(), &caller.state.hub, caller.agent, row.id).await
    } else {
        actions::mark_unread(caller.db(), caller.agent, row.id).await
    }
}
