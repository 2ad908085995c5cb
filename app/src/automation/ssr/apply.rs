//! A rule's actions on one conversation, inside the handling transaction: changes of
//! hands, labels, priority and status through the same writes as the agents' bulk
//! actions (their events and activity), messages and notes through the one outgoing
//! path as the inbox's own (no sender). What it did is written as one activity line
//! "por la automatización «…»". A label, team or agent it names that is gone is found
//! first (`references::first_missing`), and the rule is then switched off with the
//! reason.
use crate::conversations::model::{BulkAction, ConversationSummary, MessageExtra};
use crate::conversations::ssr::activity::Actor;
use crate::conversations::ssr::bulk::act_in_tx;
use crate::conversations::ssr::messages::{
    add_activity_in_tx, emit_message, insert_outgoing_in_tx, message_in_tx, Author, OutgoingRow,
};
use crate::db::WriteTx;
use crate::domain::automation::RuleAction;
use crate::domain::ConversationStatus;
use crate::error::AppError;

async fn label_id(tx: &mut WriteTx, account_id: i64, name: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM labels WHERE account_id = $1 AND LOWER(name) = LOWER($2)",
    )
    .bind(account_id)
    .bind(name)
    .fetch_optional(tx.conn())
    .await?)
}

async fn exists(tx: &mut WriteTx, sql: &str, id: i64, account_id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .bind(account_id)
        .fetch_optional(tx.conn())
        .await?;
    Ok(found.is_some())
}

/// Applies `actions` in order (what they name was checked by `references::first_missing`).
pub async fn apply_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    rule: &str,
    conversation: &ConversationSummary,
    actions: &[RuleAction],
    now: i64,
) -> Result<(), AppError> {
    let by = Actor::Rule;
    let mut done: Vec<String> = Vec::new();
    for action in actions {
        let current =
            crate::conversations::ssr::access::summary_in_tx(tx.conn(), conversation.id).await?;
        let bulk = |action: BulkAction| (action, None::<i64>);
        let change = match action {
            RuleAction::AssignAgent(id) => {
                let sql =
                    "SELECT a.id FROM agents a WHERE a.id = $1 AND (a.role = 'administrator' \
                     OR a.id IN (SELECT agent_id FROM inbox_members WHERE inbox_id = $2))";
                if !exists(tx, sql, *id, current.inbox_id).await? {
                    return Err(AppError::validation("assignee", "not_member"));
                }
                Some(bulk(BulkAction::Assign {
                    assignee_id: Some(*id),
                }))
            }
            RuleAction::AssignTeam(id) => Some(bulk(BulkAction::SetTeam { team_id: Some(*id) })),
            RuleAction::RemoveAssignedAgent => Some(bulk(BulkAction::Assign { assignee_id: None })),
            RuleAction::RemoveAssignedTeam => Some(bulk(BulkAction::SetTeam { team_id: None })),
            RuleAction::ChangePriority(priority) => Some(bulk(BulkAction::SetPriority {
                priority: *priority,
            })),
            RuleAction::ResolveConversation => Some(bulk(BulkAction::SetStatus {
                status: ConversationStatus::Resolved,
                snoozed_until: None,
            })),
            RuleAction::OpenConversation => Some(bulk(BulkAction::SetStatus {
                status: ConversationStatus::Open,
                snoozed_until: None,
            })),
            RuleAction::SnoozeConversation => Some(bulk(BulkAction::SetStatus {
                status: ConversationStatus::Snoozed,
                snoozed_until: None,
            })),
            RuleAction::AddLabel(names) | RuleAction::RemoveLabel(names) => {
                let add = matches!(action, RuleAction::AddLabel(_));
                for name in names {
                    let Some(label) = label_id(tx, account_id, name).await? else {
                        continue;
                    };
                    let current = crate::conversations::ssr::access::summary_in_tx(
                        tx.conn(),
                        conversation.id,
                    )
                    .await?;
                    if add
                        && !current.label_ids.contains(&label)
                        && current.label_ids.len() >= crate::labels::model::MAX_PER_ITEM
                    {
                        return Err(AppError::validation("labels", "too_many"));
                    }
                    let change = if add {
                        BulkAction::AddLabel { label_id: label }
                    } else {
                        BulkAction::RemoveLabel { label_id: label }
                    };
                    act_in_tx(tx, account_id, by, &[current], change, None, now).await?;
                }
                None
            }
            RuleAction::SendMessage(text) | RuleAction::AddPrivateNote(text) => {
                let row = OutgoingRow {
                    body: text,
                    private: matches!(action, RuleAction::AddPrivateNote(_)),
                    idempotency_key: None,
                    content_type: "text",
                    extra: None,
                };
                let author = Author::Automatic { account_id };
                let id = insert_outgoing_in_tx(tx, author, &current, &row, now).await?;
                let message = message_in_tx(tx.conn(), id).await?;
                emit_message(tx, &current, &message).await?;
                None
            }
            // Reaching other software and mailing teammates come with the outbox's
            // webhook and notification paths (not yet run by rules).
            RuleAction::SendWebhookEvent(_) | RuleAction::SendEmailToAgents { .. } => continue,
        };
        if let Some((change, snoozed_until)) = change {
            act_in_tx(tx, account_id, by, &[current], change, snoozed_until, now).await?;
        }
        done.push(action.name().to_owned());
    }
    let extra = MessageExtra::AutomationRan {
        rule: rule.to_owned(),
        actions: done,
    };
    add_activity_in_tx(tx, conversation.id, &format!("⚙ {rule}"), &extra).await?;
    Ok(())
}
