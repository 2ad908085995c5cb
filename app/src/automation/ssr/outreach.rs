//! What a rule tells outside the conversation, written in the rule's own transaction
//! so a crash loses neither: "call a webhook" is an event the webhook dispatcher turns
//! into a signed delivery of the conversation (Chatwoot's `automation_event.<event>`),
//! "email teammates" one queued mail per recipient (`automation_mails`, sent by
//! [`super::mail`]). Only agents who may see the conversation are mailed.
use crate::conversations::model::ConversationSummary;
use crate::db::{placeholders, WriteTx};
use crate::domain::automation::RuleEvent;
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};

/// The rule whose actions these are.
#[derive(Clone, Copy)]
pub struct RuleRef<'a> {
    pub id: i64,
    pub name: &'a str,
    pub event: RuleEvent,
}

pub async fn call_webhook_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    rule: RuleRef<'_>,
    conversation: &ConversationSummary,
    url: &str,
) -> Result<(), AppError> {
    let scope = EventScope {
        inbox_id: Some(conversation.inbox_id),
        conversation_id: Some(conversation.id),
        agent_id: None,
    };
    let event = LiveEvent::AutomationWebhook {
        rule_id: rule.id,
        conversation_id: conversation.id,
        url: url.to_owned(),
        event_name: rule.event.as_str().to_owned(),
    };
    tx.append_event(account_id, scope, event).await?;
    Ok(())
}

/// Queues `message` for the named agents and the members of the named teams who may
/// see the conversation (active, and administrators or members of its inbox); how many.
#[allow(clippy::too_many_arguments)]
pub async fn mail_agents_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    rule: RuleRef<'_>,
    conversation: &ConversationSummary,
    agent_ids: &[i64],
    team_ids: &[i64],
    message: &str,
    now: i64,
) -> Result<usize, AppError> {
    // $1 account, $2 inbox, then the agents' ids, then the teams'.
    let agents = placeholders(3, agent_ids.len().max(1));
    let teams = placeholders(3 + agent_ids.len().max(1), team_ids.len().max(1));
    let sql = format!(
        "SELECT a.id FROM agents a WHERE a.account_id = $1 AND a.active = 1 \
         AND (a.id IN ({agents}) OR a.id IN (SELECT agent_id FROM team_members WHERE team_id IN ({teams}))) \
         AND (a.role = 'administrator' OR a.id IN (SELECT agent_id FROM inbox_members WHERE inbox_id = $2)) \
         ORDER BY a.id"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(account_id)
        .bind(conversation.inbox_id);
    // An empty list still needs a value: no id is 0.
    for id in agent_ids
        .iter()
        .copied()
        .chain((agent_ids.is_empty()).then_some(0))
    {
        query = query.bind(id);
    }
    for id in team_ids
        .iter()
        .copied()
        .chain((team_ids.is_empty()).then_some(0))
    {
        query = query.bind(id);
    }
    let recipients = query.fetch_all(tx.conn()).await?;
    for agent in &recipients {
        sqlx::query(
            "INSERT INTO automation_mails (account_id, rule_id, rule_name, agent_id, conversation_id, \
             message, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
        )
        .bind(account_id)
        .bind(rule.id)
        .bind(rule.name)
        .bind(agent)
        .bind(conversation.id)
        .bind(message)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(recipients.len())
}
