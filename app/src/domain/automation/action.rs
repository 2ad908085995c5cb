//! What a rule does, checked from Chatwoot's `action_name` and `action_params`.
use serde_json::Value;

use super::input::{id_of, text_of, ActionInput, Refusal, TEXT_MAX_CHARS};
use crate::domain::Priority;

#[derive(Debug, Clone, PartialEq)]
pub enum RuleAction {
    AssignAgent(i64),
    AssignTeam(i64),
    RemoveAssignedAgent,
    RemoveAssignedTeam,
    AddLabel(Vec<String>),
    RemoveLabel(Vec<String>),
    ChangePriority(Priority),
    SendMessage(String),
    AddPrivateNote(String),
    SnoozeConversation,
    ResolveConversation,
    OpenConversation,
    /// Chatwoot's "Mute conversation": the customer blocked, the conversation resolved.
    MuteConversation,
    /// An approved WhatsApp template by Meta's name (and language), its variables in
    /// order; a conversation of another channel is passed over.
    SendTemplate {
        name: String,
        language: Option<String>,
        params: Vec<String>,
    },
    SendWebhookEvent(String),
    /// A short message by email to these agents and the members of these teams
    /// (Chatwoot's `send_email_to_team` names teams; Charla also agents).
    SendEmailToAgents {
        agent_ids: Vec<i64>,
        team_ids: Vec<i64>,
        message: String,
    },
}

fn texts(params: &[Value]) -> Vec<String> {
    params.iter().filter_map(text_of).collect()
}

fn one_text(params: &[Value]) -> Result<String, Refusal> {
    let text = texts(params).join("\n");
    if text.is_empty() {
        return Err(("actions", "params"));
    }
    if text.chars().count() > TEXT_MAX_CHARS {
        return Err(("actions", "too_long"));
    }
    Ok(text)
}

impl RuleAction {
    /// Chatwoot's name of the action (the activity line keeps it).
    pub fn name(&self) -> &'static str {
        match self {
            RuleAction::AssignAgent(_) => "assign_agent",
            RuleAction::AssignTeam(_) => "assign_team",
            RuleAction::RemoveAssignedAgent => "remove_assigned_agent",
            RuleAction::RemoveAssignedTeam => "remove_assigned_team",
            RuleAction::AddLabel(_) => "add_label",
            RuleAction::RemoveLabel(_) => "remove_label",
            RuleAction::ChangePriority(_) => "change_priority",
            RuleAction::SendMessage(_) => "send_message",
            RuleAction::AddPrivateNote(_) => "add_private_note",
            RuleAction::SnoozeConversation => "snooze_conversation",
            RuleAction::ResolveConversation => "resolve_conversation",
            RuleAction::OpenConversation => "open_conversation",
            RuleAction::MuteConversation => "mute_conversation",
            RuleAction::SendTemplate { .. } => "send_template",
            RuleAction::SendWebhookEvent(_) => "send_webhook_event",
            RuleAction::SendEmailToAgents { .. } => "send_email_to_team",
        }
    }
}

pub(super) fn check_action(input: &ActionInput) -> Result<RuleAction, Refusal> {
    let params = &input.action_params;
    let id = || params.first().and_then(id_of).ok_or(("actions", "params"));
    let labels = || {
        let names = texts(params);
        if names.is_empty() {
            Err(("actions", "params"))
        } else {
            Ok(names)
        }
    };
    Ok(match input.action_name.as_str() {
        "assign_agent" => RuleAction::AssignAgent(id()?),
        "assign_team" => RuleAction::AssignTeam(id()?),
        "remove_assigned_agent" => RuleAction::RemoveAssignedAgent,
        "remove_assigned_team" => RuleAction::RemoveAssignedTeam,
        "add_label" => RuleAction::AddLabel(labels()?),
        "remove_label" => RuleAction::RemoveLabel(labels()?),
        "change_priority" => RuleAction::ChangePriority(
            params
                .first()
                .and_then(text_of)
                .and_then(|p| Priority::parse(&p))
                .ok_or(("actions", "params"))?,
        ),
        "send_message" => RuleAction::SendMessage(one_text(params)?),
        "add_private_note" => RuleAction::AddPrivateNote(one_text(params)?),
        "snooze_conversation" => RuleAction::SnoozeConversation,
        "resolve_conversation" => RuleAction::ResolveConversation,
        "open_conversation" => RuleAction::OpenConversation,
        "mute_conversation" => RuleAction::MuteConversation,
        "send_template" => {
            // `[{"name": "…", "language": "es", "params": ["…"]}]`, or just `["name"]`.
            let spec = params.first().ok_or(("actions", "params"))?;
            let name = spec
                .get("name")
                .and_then(text_of)
                .or_else(|| text_of(spec))
                .filter(|n| n.chars().count() <= 512)
                .ok_or(("actions", "params"))?;
            let language = spec.get("language").and_then(text_of);
            let mut values: Vec<String> = spec
                .get("params")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|v| text_of(v).unwrap_or_default())
                        .collect()
                })
                .unwrap_or_default();
            // A form's last empty line is not a value.
            while values.last().is_some_and(String::is_empty) {
                values.pop();
            }
            if values.len() > 20 || values.iter().any(|v| v.chars().count() > 1024) {
                return Err(("actions", "params"));
            }
            RuleAction::SendTemplate {
                name,
                language,
                params: values,
            }
        }
        "send_webhook_event" => {
            let url = params
                .first()
                .and_then(text_of)
                .ok_or(("actions", "params"))?;
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
                return Err(("actions", "url"));
            }
            RuleAction::SendWebhookEvent(url)
        }
        "send_email_to_team" | "send_email_to_agents" => {
            let spec = params.first().ok_or(("actions", "params"))?;
            let message = spec
                .get("message")
                .and_then(text_of)
                .ok_or(("actions", "params"))?;
            let ids = |key: &str| -> Vec<i64> {
                spec.get(key)
                    .and_then(Value::as_array)
                    .map(|ids| ids.iter().filter_map(id_of).collect())
                    .unwrap_or_default()
            };
            let (agent_ids, team_ids) = (ids("agent_ids"), ids("team_ids"));
            if (agent_ids.is_empty() && team_ids.is_empty())
                || message.trim().is_empty()
                || message.chars().count() > TEXT_MAX_CHARS
            {
                return Err(("actions", "params"));
            }
            RuleAction::SendEmailToAgents {
                agent_ids,
                team_ids,
                message,
            }
        }
        _ => return Err(("actions", "unknown")),
    })
}
