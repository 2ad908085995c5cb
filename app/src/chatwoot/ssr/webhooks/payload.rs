//! Chatwoot's webhook payloads, built from the event log: `message_created` and
//! `message_updated` (incoming, outgoing and template messages, never activity
//! lines), `conversation_created`, `conversation_status_changed` and
//! `conversation_updated` with `changed_attributes`. Message payloads use strings for
//! `message_type` and ISO times for `created_at`, as Chatwoot's do.
use serde_json::{json, Value};

use crate::chatwoot::ssr::conversations::{shape_with, Catalog};
use crate::chatwoot::ssr::render;
use crate::chatwoot::ssr::Caller;
use crate::conversations::model::{ConversationSummary, MessageView};
use crate::conversations::ssr::access::visible_conversation;
use crate::domain::{ConversationStatus, MessageDirection};
use crate::error::AppError;
use crate::events::{ConversationState, EventEnvelope, LiveEvent};
use crate::ui::time::iso_instant;

/// One webhook event to send.
#[derive(Debug, Clone)]
pub struct Hook {
    pub event: &'static str,
    pub payload: Value,
    /// A private note: only webhooks that ask for them get it.
    pub private: bool,
    /// When what it tells of happened (webhooks made later do not get it).
    pub at: i64,
    /// The inbox it happened in (API inboxes' own webhooks get only theirs).
    pub inbox_id: Option<i64>,
    /// A rule's call: only to this rule's URL `(rule id, url)`, no subscriber's.
    pub rule: Option<(i64, String)>,
}

/// What a run of the log tells webhooks, in order. A conversation's change right
/// after one of its messages is that message's doing (its activity time): it is told
/// only if it changed the status or the assignee.
/// Only events some webhook `wants` are built (building one reads the database).
pub async fn hooks(
    caller: &Caller<'_>,
    account: &Value,
    events: &[EventEnvelope],
    wants: impl Fn(&str) -> bool,
) -> Result<Vec<Hook>, AppError> {
    let mut hooks = Vec::new();
    let mut after_message: Option<i64> = None;
    let catalog = Catalog::load(caller).await?;
    for envelope in events {
        let at = envelope.created_at;
        match &envelope.event {
            LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message } => {
                after_message = Some(message.conversation_id);
                if message.direction == MessageDirection::Activity {
                    continue;
                }
                let event = match envelope.event {
                    LiveEvent::MessageCreated { .. } => "message_created",
                    _ => "message_updated",
                };
                if !wants(event) {
                    continue;
                }
                let Some(payload) =
                    message_payload(caller, &catalog, account, event, message).await?
                else {
                    continue;
                };
                hooks.push(Hook {
                    event,
                    payload,
                    private: message.private,
                    at,
                    inbox_id: Some(message.inbox_id),
                    rule: None,
                });
            }
            LiveEvent::ConversationChanged {
                conversation,
                previous,
            } => {
                let bump = after_message.take() == Some(conversation.id);
                for (event, changes) in
                    conversation_events(conversation, previous.as_ref(), bump, &catalog.labels)
                {
                    if !wants(event) {
                        continue;
                    }
                    let Some(mut payload) =
                        conversation_payload(caller, &catalog, account, conversation.id).await?
                    else {
                        continue;
                    };
                    payload["event"] = json!(event);
                    if event != "conversation_created" {
                        payload["changed_attributes"] = changes.clone();
                    }
                    hooks.push(Hook {
                        event,
                        payload,
                        private: false,
                        at,
                        inbox_id: Some(conversation.inbox_id),
                        rule: None,
                    });
                }
            }
            LiveEvent::ContactChanged {
                contact_id,
                created,
            } => {
                after_message = None;
                let event = if *created {
                    "contact_created"
                } else {
                    "contact_updated"
                };
                if !wants(event) {
                    continue;
                }
                let Some(payload) = contact_payload(caller, account, event, *contact_id).await?
                else {
                    continue;
                };
                hooks.push(Hook {
                    event,
                    payload,
                    private: false,
                    at,
                    inbox_id: None,
                    rule: None,
                });
            }
            // A rule's "call a webhook": the conversation as Chatwoot's automation
            // posts it, `event` naming the rule's event.
            LiveEvent::AutomationWebhook {
                rule_id,
                conversation_id,
                url,
                event_name,
            } => {
                let Some(mut payload) =
                    conversation_payload(caller, &catalog, account, *conversation_id).await?
                else {
                    continue;
                };
                payload["event"] = json!(format!("automation_event.{event_name}"));
                hooks.push(Hook {
                    event: "automation_event",
                    payload,
                    private: false,
                    at,
                    inbox_id: None,
                    rule: Some((*rule_id, url.clone())),
                });
            }
            _ => after_message = None,
        }
    }
    Ok(hooks)
}

/// Which conversation events a change is, with its `changed_attributes`.
fn conversation_events(
    now: &ConversationSummary,
    previous: Option<&ConversationState>,
    bump: bool,
    labels: &[crate::labels::model::Label],
) -> Vec<(&'static str, Value)> {
    let Some(before) = previous else {
        return vec![("conversation_created", Value::Null)];
    };
    let change = |name: &str, from: Value, to: Value| json!({ name: {"previous_value": from, "current_value": to} });
    let mut events = Vec::new();
    if before.status != now.status {
        let changes = json!([change(
            "status",
            json!(before.status.as_str()),
            json!(now.status.as_str())
        )]);
        events.push(("conversation_status_changed", changes.clone()));
        // What Chatwoot tells agent bots of the same change.
        match now.status {
            ConversationStatus::Open => events.push(("conversation_opened", changes)),
            ConversationStatus::Resolved => events.push(("conversation_resolved", changes)),
            _ => {}
        }
    }
    let mut updated = Vec::new();
    if before.assignee_id != now.assignee_id {
        updated.push(change(
            "assignee_id",
            json!(before.assignee_id),
            json!(now.assignee_id),
        ));
    }
    if before.priority != now.priority {
        updated.push(change(
            "priority",
            json!(render::priority(before.priority)),
            json!(render::priority(now.priority)),
        ));
    }
    if before.team_id != now.team_id {
        updated.push(change("team_id", json!(before.team_id), json!(now.team_id)));
    }
    if before.labels_changed(&now.label_ids) {
        // Chatwoot's `label_list`: the titles, as its conversation carries them.
        let titles = |ids: &[i64]| -> Vec<String> {
            ids.iter()
                .filter_map(|id| labels.iter().find(|l| l.id == *id).map(|l| l.name.clone()))
                .collect()
        };
        let before_ids = before.label_ids.as_deref().unwrap_or_default();
        let (was, is) = (titles(before_ids), titles(&now.label_ids));
        // A label deleted since: what is left may read the same.
        if was != is {
            updated.push(change("label_list", json!(was), json!(is)));
        }
    }
    if !updated.is_empty() {
        events.push(("conversation_updated", Value::Array(updated)));
    } else if !bump && before.status == now.status {
        // Snooze, or labels in an event from before the log kept them: no "before".
        events.push(("conversation_updated", json!([])));
    }
    events
}

/// The conversation as Chatwoot's webhooks carry it (its REST shape, with the
/// account), and its inbox's name; `None` when it is gone.
async fn conversation_shape(
    caller: &Caller<'_>,
    catalog: &Catalog,
    id: i64,
) -> Result<Option<(crate::chatwoot::model::Conversation, String)>, AppError> {
    let row = match visible_conversation(caller.db(), caller.viewer(), id).await {
        Ok(row) => row,
        Err(AppError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    let inbox_name = row.inbox_name.clone();
    let mut shaped = shape_with(caller, catalog, vec![row]).await?.remove(0);
    // A conversation's last message may be a note: never in a webhook's conversation
    // (the note itself goes only to webhooks that ask for notes).
    shaped.messages.retain(|m| !m.private);
    shaped.last_non_activity_message = shaped.last_non_activity_message.filter(|m| !m.private);
    Ok(Some((shaped, inbox_name)))
}

pub async fn conversation_payload(
    caller: &Caller<'_>,
    catalog: &Catalog,
    account: &Value,
    id: i64,
) -> Result<Option<Value>, AppError> {
    let Some((conversation, _)) = conversation_shape(caller, catalog, id).await? else {
        return Ok(None);
    };
    let mut value = serde_json::to_value(conversation).map_err(|_| AppError::Internal)?;
    value["account"] = account.clone();
    Ok(Some(value))
}

/// The account as every payload carries it.
pub async fn account_json(db: &crate::db::Db, account: i64) -> Result<Value, AppError> {
    let name: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_one(&db.pool)
        .await?;
    Ok(json!({"id": account, "name": name}))
}

async fn message_payload(
    caller: &Caller<'_>,
    catalog: &Catalog,
    account: &Value,
    event: &str,
    message: &MessageView,
) -> Result<Option<Value>, AppError> {
    let Some((conversation, inbox_name)) =
        conversation_shape(caller, catalog, message.conversation_id).await?
    else {
        return Ok(None);
    };
    let shaped = render::message_in(message, &conversation, caller, &catalog.agents, false);
    let message_type = match message.direction {
        MessageDirection::Incoming => "incoming",
        _ if is_template(message) => "template",
        _ => "outgoing",
    };
    let mut value = serde_json::to_value(&shaped).map_err(|_| AppError::Internal)?;
    value["event"] = json!(event);
    value["message_type"] = json!(message_type);
    value["created_at"] = json!(iso_instant(message.created_at));
    value["additional_attributes"] = json!({});
    value["inbox"] = json!({"id": message.inbox_id, "name": inbox_name});
    value["account"] = account.clone();
    let mut conversation = serde_json::to_value(conversation).map_err(|_| AppError::Internal)?;
    conversation["account"] = account.clone();
    value["conversation"] = conversation;
    Ok(Some(value))
}

/// A contact as Chatwoot's contact webhooks carry it; `None` when it is gone.
async fn contact_payload(
    caller: &Caller<'_>,
    account: &Value,
    event: &str,
    id: i64,
) -> Result<Option<Value>, AppError> {
    let row = match crate::contacts::ssr::store::get(caller.db(), caller.agent.account_id, id).await
    {
        Ok(row) => row,
        Err(AppError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    let mut value = serde_json::to_value(render::contact(&row)).map_err(|_| AppError::Internal)?;
    value["event"] = json!(event);
    value["avatar"] = json!("");
    value["account"] = account.clone();
    if event == "contact_updated" {
        // The log keeps no "before" of a contact.
        value["changed_attributes"] = json!([]);
    }
    Ok(Some(value))
}

fn is_template(message: &MessageView) -> bool {
    matches!(
        message.extra,
        Some(crate::conversations::model::MessageExtra::Template { .. })
    )
}
