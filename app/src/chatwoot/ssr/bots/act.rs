//! What an agent bot may do with its token (Chatwoot's bot-accessible endpoints): write
//! in, say it is writing in, change the status of (a hand-off is opening it), set the priority of and hand to
//! an agent or a team's queue the conversations of the inboxes it is connected to;
//! nothing else, nowhere else. Activity lines name the bot.
use super::Bot;
use crate::chatwoot::model as cw;
use crate::chatwoot::ssr::conversations::{resolve, shape_with, Catalog};
use crate::chatwoot::ssr::messages::{shape, NewMessage};
use crate::chatwoot::ssr::{changes, Caller};
use crate::conversations::model::ConversationSummary;
use crate::conversations::ssr::actions;
use crate::conversations::ssr::activity::Actor;
use crate::conversations::ssr::messages::{send_as_bot, BotReply};
use crate::domain::{ConversationStatus, MessageBody};
use crate::error::AppError;

/// A conversation of one of the bot's inboxes (any other is not found). `caller` is
/// the installation acting on the bot's account ([`crate::agents::model::AgentProfile::system`]).
pub async fn conversation(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
) -> Result<ConversationSummary, AppError> {
    let row = resolve(caller, display_id).await?;
    match super::inbox_bot(caller.db(), bot.account_id, row.inbox_id).await? {
        Some(id) if id == bot.id => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The bot's message: a reply (the default) or a private note, text only.
pub async fn reply(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    new: NewMessage,
) -> Result<cw::Message, AppError> {
    let row = conversation(caller, bot, display_id).await?;
    if new.message_type.as_deref().is_some_and(|t| t != "outgoing") {
        return Err(AppError::validation("message_type", "invalid"));
    }
    if new.template.is_some() || !new.attachments.is_empty() {
        return Err(AppError::validation("content", "text_only"));
    }
    let body = MessageBody::parse(new.content.as_deref().unwrap_or_default())
        .map_err(|code| AppError::validation("content", code))?;
    let key = new
        .echo_id
        .filter(|k| !k.is_empty() && k.len() <= crate::chatwoot::ssr::messages::ECHO_ID_MAX);
    let state = caller.state;
    let reply = BotReply {
        body,
        private: new.private,
        idempotency_key: key,
        reply_to: new.in_reply_to,
    };
    let sent = send_as_bot(&state.db, &state.hub, bot.author(), &row, reply)
        .await
        .map_err(|err| crate::chatwoot::ssr::account::rename_field(err, "body", "content"))
        .map_err(|err| {
            crate::chatwoot::ssr::account::rename_field(err, "reply_to", "content_attributes")
        })?;
    let catalog = Catalog::load(caller).await?;
    let conversation = shape_with(caller, &catalog, vec![row]).await?.remove(0);
    Ok(shape(
        caller,
        &sent,
        display_id,
        &conversation.meta.sender,
        &catalog.agents,
    ))
}

/// `toggle_status`: `open` hands the conversation to the team (and its assignment).
pub async fn toggle_status(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    status: Option<&str>,
    snoozed_until_secs: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    let row = conversation(caller, bot, display_id).await?;
    let next = match status {
        Some(text) => ConversationStatus::parse(text)
            .ok_or_else(|| AppError::validation("status", "invalid"))?,
        None if row.status == ConversationStatus::Open => ConversationStatus::Resolved,
        None => ConversationStatus::Open,
    };
    let until = snoozed_until_secs.map(|s| s.saturating_mul(1000));
    let state = caller.state;
    actions::change_status(
        &state.db,
        &state.hub,
        bot.account_id,
        &row,
        next,
        until,
        Some(&bot.name),
    )
    .await
}

/// `toggle_typing_status` in one of the bot's conversations: its name is shown writing
/// in the customer's widget (never for a note) and to teammates; typing webhooks hear it.
pub async fn typing(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    on: bool,
    private: bool,
) -> Result<(), AppError> {
    conversation(caller, bot, display_id).await?;
    let writer = (caller.agent.id, bot.name.clone());
    changes::typing_as(caller, display_id, writer, on, private).await
}

/// `toggle_priority` in one of the bot's conversations.
pub async fn set_priority(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    priority: Option<&str>,
) -> Result<ConversationSummary, AppError> {
    conversation(caller, bot, display_id).await?;
    changes::set_priority(caller, display_id, priority).await
}

/// `assignments` with an `assignee_id` in one of the bot's conversations (`None`:
/// unassign): a teammate who can see the inbox, as an agent's assignment.
pub async fn assign(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    assignee_id: Option<i64>,
) -> Result<Option<cw::Agent>, AppError> {
    let row = conversation(caller, bot, display_id).await?;
    let state = caller.state;
    let by = Actor::Bot { name: &bot.name };
    let after =
        actions::assign_as(&state.db, &state.hub, bot.account_id, &row, assignee_id, by).await?;
    changes::assignee_of(caller, &after).await
}

/// `assignments` with a `team_id` in one of the bot's conversations (`None`: out of
/// any team's queue).
pub async fn set_team(
    caller: &Caller<'_>,
    bot: &Bot,
    display_id: i64,
    team_id: Option<i64>,
) -> Result<Option<cw::Team>, AppError> {
    let row = conversation(caller, bot, display_id).await?;
    let state = caller.state;
    let by = Actor::Bot { name: &bot.name };
    let after =
        actions::set_team_as(&state.db, &state.hub, bot.account_id, &row, team_id, by).await?;
    changes::team_of(caller, &after).await
}
