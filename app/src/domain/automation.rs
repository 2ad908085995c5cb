//! Automation rules (issue 32) in the shape Chatwoot stores and its API speaks: an
//! event, conditions (`attribute_key`, `filter_operator`, `values`, `query_operator`)
//! and actions (`action_name`, `action_params`). The stored form is checked here into
//! typed conditions and actions, shared by the form, the API and the engine; what a
//! rule sees of a conversation and how conditions match is in `matching`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ChannelKind, ConversationStatus, MessageDirection, Priority};

mod action;
mod attribute;
mod input;
pub mod macros;
mod matching;

pub use action::RuleAction;
pub use attribute::{Attribute, Operator};
use input::{text_of, Refusal};
pub use input::{ActionInput, TEXT_MAX_CHARS};
pub use matching::{matches, Facts};

pub const NAME_MAX_CHARS: usize = 120;
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

impl RuleEvent {
    /// Chatwoot's name of the event (`event_name`).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleEvent::ConversationCreated => "conversation_created",
            RuleEvent::MessageCreated => "message_created",
            RuleEvent::ConversationUpdated => "conversation_updated",
            RuleEvent::ConversationResolved => "conversation_resolved",
            RuleEvent::NoReply => "no_reply",
        }
    }
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

/// A rule checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRule {
    pub name: String,
    pub event: RuleEvent,
    pub conditions: Vec<Condition>,
    pub actions: Vec<RuleAction>,
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
            values
                .iter()
                .map(|v| super::search_text(&[Some(v)]))
                .collect()
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
                .map(action::check_action)
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests;
