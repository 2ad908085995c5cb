//! An agent runs a macro on conversations: with her own permissions (each must be one
//! she sees, an agent it assigns must work the inbox, a reply keeps to WhatsApp's
//! 24-hour window) and all in one transaction, so a macro that cannot run whole
//! changes nothing anywhere. Its actions are the automation's own (`apply`), credited
//! to her, with one activity line naming the macro.
use super::store;
use crate::agents::AgentProfile;
use crate::automation::ssr::apply::{apply_in_tx, ran_in_tx, Acting};
use crate::automation::ssr::references::{first_missing, named_in_actions};
use crate::conversations::model::{ConversationSummary, MessageExtra};
use crate::conversations::ssr::access::{summary_in_tx, visible_conversation, Viewer};
use crate::conversations::ssr::activity::Actor;
use crate::conversations::ssr::messages::Author;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::live::hub::Hub;

/// Runs the macro on one conversation and returns it as it now stands.
pub async fn run(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    macro_id: i64,
    conversation_id: i64,
) -> Result<ConversationSummary, AppError> {
    let mut after = run_on(db, hub, agent, macro_id, &[conversation_id]).await?;
    after.pop().ok_or(AppError::Internal)
}

/// Runs the macro on each conversation, in order, whole or not at all.
pub async fn run_on(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    macro_id: i64,
    conversation_ids: &[i64],
) -> Result<Vec<ConversationSummary>, AppError> {
    let saved = store::get(db, agent, macro_id).await?;
    let checked = saved
        .input()
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let mut conversations = Vec::with_capacity(conversation_ids.len());
    for id in conversation_ids {
        conversations.push(visible_conversation(db, Viewer::from(agent), *id).await?);
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let named = named_in_actions(&checked.actions);
    if let Some((part, _)) = first_missing(tx.conn(), agent.account_id, &named).await? {
        return Err(AppError::validation(part, "unknown_reference"));
    }
    let acting = Acting {
        by: Actor::agent(agent),
        author: Author::Agent(agent),
        rule: None,
    };
    let mut after = Vec::with_capacity(conversations.len());
    for conversation in &conversations {
        let done = apply_in_tx(
            &mut tx,
            agent.account_id,
            acting,
            conversation,
            &checked.actions,
            now,
        )
        .await?;
        let extra = MessageExtra::MacroRan {
            name: checked.name.clone(),
            by: agent.shown_name().to_owned(),
            actions: done,
        };
        ran_in_tx(&mut tx, conversation.id, &extra).await?;
        let mut now_stands = summary_in_tx(tx.conn(), conversation.id).await?;
        now_stands.unread_count = conversation.unread_count;
        after.push(now_stands);
    }
    hub.commit(tx).await?;
    Ok(after)
}
