//! Automation rules (issue 32) in the shape Chatwoot stores and its API speaks: an
//! event, conditions (`attribute_key`, `filter_operator`, `values`, `query_operator`)
//! and actions (`action_name`, `action_params`). The stored form is checked here into
//! typed conditions and actions, shared by the form, the API and the engine; what a
//! rule sees of a conversation and how conditions match is in `matching`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ChannelKind, ConversationStatus, MessageDirection, Priority};

mod matching;

pub use matching::{matches, Facts};

pub const NAME_MAX_CHARS: usize = 120;
pub const TEXT_MAX_CHARS: usize = 4000;
pub const MAX_CONDITIONS: usize = 20;
pub const MAX_ACTIONS: usize = 20;
/// "No reply for N minutes": from five minutes to a week.
pub const NO_REPLY_MINUTES: (u32, u32) = (5, 7 * 24 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleEvent {
    ConversationCreated,
    /// A message from the customer.
    MessageCreated,
    ConversationUpdated,
    ConversationResolved,
    /// The customer has waited this long for a reply.
    NoReply,
}

/// A condition as stored and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionInput {
    pub attribute_key: String,
    pub filter_operator: String,
    #[serde(default)]
    pub values: Vec<Value>,
    /// How it joins the next condition: `and` (the default) or `or`.
    #[serde(default)]
    pub query_operator: Option<String>,
}

/// An action as stored and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionInput {
    pub action_name: String,
    #[serde(default)]
    pub action_params: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub event_name: RuleEvent,
    #[serde(default)]
    pub conditions: Vec<ConditionInput>,
    pub actions: Vec<ActionInput>,
    #[serde(default = "yes")]
    pub active: bool,
    /// For `no_reply`: how long the customer has waited.
    #[serde(default)]
    pub no_reply_minutes: Option<u32>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Content,
    MailSubject,
    InboxId,
    Channel,
    Email,
    Labels,
    Priority,
    Status,
    AssigneeId,
    TeamId,
    BusinessHours,
    CountryCode,
    MessageType,
}

impl Attribute {
    pub const ALL: [Attribute; 13] = [
        Attribute::Content,
        Attribute::MailSubject,
        Attribute::InboxId,
        Attribute::Channel,
        Attribute::Email,
        Attribute::Labels,
        Attribute::Priority,
        Attribute::Status,
        Attribute::AssigneeId,
        Attribute::TeamId,
        Attribute::BusinessHours,
        Attribute::CountryCode,
        Attribute::MessageType,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Attribute::Content => "content",
            Attribute::MailSubject => "mail_subject",
            Attribute::InboxId => "inbox_id",
            Attribute::Channel => "channel",
            Attribute::Email => "email",
            Attribute::Labels => "labels",
            Attribute::Priority => "priority",
            Attribute::Status => "status",
            Attribute::AssigneeId => "assignee_id",
            Attribute::TeamId => "team_id",
            Attribute::BusinessHours => "business_hours",
            Attribute::CountryCode => "country_code",
            Attribute::MessageType => "message_type",
        }
    }

    pub fn parse(key: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The operators that make sense for it.
    pub fn operators(self) -> &'static [Operator] {
        use Operator::*;
        match self {
            Attribute::Content | Attribute::MailSubject | Attribute::Email => &[
                EqualTo,
                NotEqualTo,
                Contains,
                DoesNotContain,
                StartsWith,
                IsPresent,
                IsNotPresent,
            ],
            Attribute::AssigneeId | Attribute::TeamId | Attribute::Labels => {
                &[EqualTo, NotEqualTo, IsPresent, IsNotPresent]
            }
            _ => &[EqualTo, NotEqualTo],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    EqualTo,
    NotEqualTo,
    Contains,
    DoesNotContain,
    StartsWith,
    IsPresent,
    IsNotPresent,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::EqualTo,
        Operator::NotEqualTo,
        Operator::Contains,
        Operator::DoesNotContain,
        Operator::StartsWith,
        Operator::IsPresent,
        Operator::IsNotPresent,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Operator::EqualTo => "equal_to",
            Operator::NotEqualTo => "not_equal_to",
            Operator::Contains => "contains",
            Operator::DoesNotContain => "does_not_contain",
            Operator::StartsWith => "starts_with",
            Operator::IsPresent => "is_present",
            Operator::IsNotPresent => "is_not_present",
        }
    }

    pub fn parse(key: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.key() == key)
    }

    pub fn needs_values(self) -> bool {
        !matches!(self, Operator::IsPresent | Operator::IsNotPresent)
    }
}

/// A checked condition: values are texts (lower-cased, accent-free where they are
/// matched as text).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub attribute: Attribute,
    pub operator: Operator,
    pub values: Vec<String>,
    /// Joined to the next one by `or` (else `and`).
    pub or_next: bool,
}

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
    SendWebhookEvent(String),
    /// A short message by email to these agents.
    SendEmailToAgents { agent_ids: Vec<i64>, message: String },
}

/// A rule checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRule {
    pub name: String,
    pub event: RuleEvent,
    pub conditions: Vec<Condition>,
    pub actions: Vec<RuleAction>,
}

type Refusal = (&'static str, &'static str);

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("id").and_then(id_of),
        _ => None,
    }
}

fn check_condition(input: &ConditionInput) -> Result<Condition, Refusal> {
    let attribute = Attribute::parse(&input.attribute_key).ok_or(("conditions", "attribute"))?;
    let operator = Operator::parse(&input.filter_operator).ok_or(("conditions", "operator"))?;
    if !attribute.operators().contains(&operator) {
        return Err(("conditions", "operator"));
    }
    let values: Vec<String> = input.values.iter().filter_map(text_of).collect();
    if operator.needs_values() && values.is_empty() {
        return Err(("conditions", "values"));
    }
    let valid = |v: &String| match attribute {
        Attribute::InboxId | Attribute::AssigneeId | Attribute::TeamId => v.parse::<i64>().is_ok(),
        Attribute::Channel => ChannelKind::parse(v).is_some(),
        Attribute::Priority => Priority::parse(v).is_some(),
        Attribute::Status => ConversationStatus::parse(v).is_some(),
        Attribute::MessageType => MessageDirection::parse(v).is_some(),
        Attribute::BusinessHours => v == "open" || v == "closed",
        Attribute::CountryCode => v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()),
        _ => v.chars().count() <= TEXT_MAX_CHARS,
    };
    if !values.iter().all(valid) {
        return Err(("conditions", "values"));
    }
    let values = match attribute {
        Attribute::Content | Attribute::MailSubject | Attribute::Email | Attribute::Labels => {
            values.iter().map(|v| super::search_text(&[Some(v)])).collect()
        }
        Attribute::CountryCode => values.iter().map(|v| v.to_ascii_uppercase()).collect(),
        _ => values,
    };
    let or_next = match input.query_operator.as_deref().map(str::to_ascii_lowercase) {
        None => false,
        Some(op) if op == "and" || op.is_empty() || op == "nil" => false,
        Some(op) if op == "or" => true,
        Some(_) => return Err(("conditions", "query_operator")),
    };
    Ok(Condition {
        attribute,
        operator,
        values,
        or_next,
    })
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

fn check_action(input: &ActionInput) -> Result<RuleAction, Refusal> {
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
        "send_webhook_event" => {
            let url = params.first().and_then(text_of).ok_or(("actions", "params"))?;
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
            let agent_ids: Vec<i64> = spec
                .get("agent_ids")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(id_of).collect())
                .unwrap_or_default();
            if agent_ids.is_empty() || message.chars().count() > TEXT_MAX_CHARS {
                return Err(("actions", "params"));
            }
            RuleAction::SendEmailToAgents { agent_ids, message }
        }
        _ => return Err(("actions", "unknown")),
    })
}

impl RuleInput {
    /// The typed rule, or the first failed rule as (field, code).
    pub fn checked(&self) -> Result<CheckedRule, Refusal> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(("name", "required"));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(("name", "too_long"));
        }
        if self.event_name == RuleEvent::NoReply {
            let (min, max) = NO_REPLY_MINUTES;
            match self.no_reply_minutes {
                Some(m) if (min..=max).contains(&m) => {}
                _ => return Err(("no_reply_minutes", "invalid")),
            }
        }
        if self.conditions.len() > MAX_CONDITIONS {
            return Err(("conditions", "too_many"));
        }
        if self.actions.is_empty() {
            return Err(("actions", "required"));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(("actions", "too_many"));
        }
        Ok(CheckedRule {
            name: name.to_owned(),
            event: self.event_name,
            conditions: self
                .conditions
                .iter()
                .map(check_condition)
                .collect::<Result<_, _>>()?,
            actions: self
                .actions
                .iter()
                .map(check_action)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests;
