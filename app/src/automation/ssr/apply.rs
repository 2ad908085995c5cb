//! A rule's or a macro's actions on one conversation, inside the caller's transaction:
//! changes of hands, labels, priority and status through the same writes as the
//! agents' bulk actions (their events and activity), messages and notes through the
//! one outgoing path (a rule's as the inbox's own, with no sender; a macro's as its
//! agent's). What it did is written as one activity line ("por la automatización
//! «…»", "Lucía ejecutó la macro «…»"). A label, team or agent it names that is gone is
//! found first (`references::first_missing`): a rule is then switched off with the
//! reason, a macro refused whole.
use super::outreach::{call_webhook_in_tx, mail_agents_in_tx, RuleRef};
use crate::conversations::model::{BulkAction, ConversationSummary, MessageExtra};
use crate::conversations::ssr::activity::Actor;
use crate::conversations::ssr::bulk::act_in_tx;
use crate::conversations::ssr::messages::{
    add_activity_in_tx, emit_message, insert_outgoing_in_tx, message_in_tx, Author, OutgoingRow,
};
use crate::conversations::ssr::routing::last_inbound_at;
use crate::conversations::ssr::templates::named_template_in;
use crate::db::{now_ms, WriteTx};
use crate::domain::automation::RuleAction;
use crate::domain::whatsapp::Window;
use crate::domain::{ChannelKind, ConversationStatus};
use crate::error::AppError;

/// Who acts: the activity lines' actor and the messages' author.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    pub by: Actor<'a>,
    pub author: Author<'a>,
    /// A rule's run (its webhook calls and emails name it); `None` for a macro.
    pub rule: Option<RuleRef<'a>>,
}

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

/// WhatsApp's 24-hour window (S7) holds for rules and macros as for the composer.
async fn window_open(tx: &mut WriteTx, conversation: &ConversationSummary) -> Result<(), AppError> {
    if conversation.channel != ChannelKind::WhatsApp {
        return Ok(());
    }
    let last = last_inbound_at(tx.conn(), conversation.inbox_id, conversation.contact_id).await?;
    if Window::at(last, now_ms()).is_open() {
        Ok(())
    } else {
        Err(AppError::validation("body", "window_closed"))
    }
}

/// Applies `actions` in order (what they name was checked by `references::first_missing`)
/// and returns the names of those it ran.
pub async fn apply_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    acting: Acting<'_>,
    conversation: &ConversationSummary,
    actions: &[RuleAction],
    now: i64,
) -> Result<Vec<String>, AppError> {
    let by = acting.by;
    // Messages and notes are stored before any event is appended (each is then
    // announced in its turn): the rows they take — an agent's report tally among them —
    // come before the account's event lock, as in a reply from the composer.
    let mut stored = Vec::new();
    let whatsapp = conversation.channel == ChannelKind::WhatsApp;
    for action in actions {
        match action {
            RuleAction::SendMessage(text) | RuleAction::AddPrivateNote(text) => {
                let private = matches!(action, RuleAction::AddPrivateNote(_));
                if !private {
                    window_open(tx, conversation).await?;
                }
                let row = OutgoingRow {
                    body: text,
                    private,
                    idempotency_key: None,
                    content_type: "text",
                    extra: None,
                    reply_to: None,
                };
                stored
                    .push(insert_outgoing_in_tx(tx, acting.author, conversation, &row, now).await?);
            }
            // A template goes whether the 24-hour window is open or not (S7).
            RuleAction::SendTemplate {
                name,
                language,
                params,
            } if whatsapp => {
                let template = named_template_in(
                    tx.conn(),
                    conversation.inbox_id,
                    name,
                    language.as_deref(),
                    params,
                )
                .await?;
                let row = OutgoingRow {
                    body: template.body.as_str(),
                    private: false,
                    idempotency_key: None,
                    content_type: "template",
                    extra: Some(&template.extra),
                    reply_to: None,
                };
                stored
                    .push(insert_outgoing_in_tx(tx, acting.author, conversation, &row, now).await?);
            }
            _ => {}
        }
    }
    let mut stored = stored.into_iter();
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
            RuleAction::MuteConversation => {
                if current.muted && current.status == ConversationStatus::Resolved {
                    continue;
                }
                crate::conversations::ssr::muting::set_muted_in_tx(
                    tx, account_id, &current, true, now,
                )
                .await?;
                None
            }
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
            // Templates are WhatsApp's: another channel's conversation passes over one.
            RuleAction::SendTemplate { .. } if !whatsapp => continue,
            RuleAction::SendMessage(_)
            | RuleAction::AddPrivateNote(_)
            | RuleAction::SendTemplate { .. } => {
                let id = stored.next().ok_or(AppError::Internal)?;
                let message = message_in_tx(tx.conn(), id).await?;
                emit_message(tx, &current, &message).await?;
                None
            }
            // Only rules reach other software and mail teammates (a macro cannot hold
            // these actions).
            RuleAction::SendWebhookEvent(url) => {
                let Some(rule) = acting.rule else { continue };
                call_webhook_in_tx(tx, account_id, rule, &current, url).await?;
                None
            }
            RuleAction::SendEmailToAgents {
                agent_ids,
                team_ids,
                message,
            } => {
                let Some(rule) = acting.rule else { continue };
                let mailed = mail_agents_in_tx(
                    tx, account_id, rule, &current, agent_ids, team_ids, message, now,
                )
                .await?;
                if mailed == 0 {
                    // Nobody named may see this conversation: nothing was sent.
                    continue;
                }
                None
            }
        };
        if let Some((change, snoozed_until)) = change {
            act_in_tx(tx, account_id, by, &[current], change, snoozed_until, now).await?;
        }
        done.push(action.name().to_owned());
    }
    Ok(done)
}

/// The activity line of a rule's or a macro's run.
pub async fn ran_in_tx(
    tx: &mut WriteTx,
    conversation_id: i64,
    extra: &MessageExtra,
) -> Result<(), AppError> {
    let body = match extra {
        MessageExtra::AutomationRan { rule, .. } => format!("⚙ {rule}"),
        MessageExtra::MacroRan { name, .. } => format!("▶ {name}"),
        _ => String::new(),
    };
    add_activity_in_tx(tx, conversation_id, &body, extra).await?;
    Ok(())
}
