//! A rule while it is being written: rows the form edits (each with a key of its own,
//! so removing one keeps the others' inputs), turned into Chatwoot's shape to save or
//! try, and back from a saved rule.
use serde_json::Value;

use super::action_draft::{text, ActionDraft, ActionHost, Param, ACTIONS, RULE_ONLY_ACTIONS};
use crate::automation::AutomationRule;
use crate::domain::automation::{Attribute, ConditionInput, Operator, RuleEvent, RuleInput};

/// What a condition can look at on this page (a "message received" rule hears only
/// the customer's messages, so the message's type is not offered).
pub const ATTRIBUTES: [Attribute; 12] = [
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
];

/// The events a rule can listen to here.
pub const EVENTS: [RuleEvent; 5] = [
    RuleEvent::MessageCreated,
    RuleEvent::ConversationCreated,
    RuleEvent::ConversationUpdated,
    RuleEvent::ConversationResolved,
    RuleEvent::NoReply,
];

/// What "no reply for N minutes" starts at when chosen.
pub const DEFAULT_NO_REPLY_MINUTES: u32 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct ConditionDraft {
    pub key: u32,
    pub attribute: Attribute,
    pub operator: Operator,
    /// The first is edited here; more (from the API) are kept as they were.
    pub values: Vec<String>,
    pub or_next: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub description: String,
    pub event: RuleEvent,
    pub active: bool,
    pub no_reply_minutes: Option<u32>,
    pub conditions: Vec<ConditionDraft>,
    pub actions: Vec<ActionDraft>,
}

impl ConditionDraft {
    pub fn new(key: u32) -> Self {
        ConditionDraft {
            key,
            attribute: Attribute::Content,
            operator: Operator::Contains,
            values: vec![String::new()],
            or_next: false,
        }
    }

    pub fn value(&self) -> String {
        self.values.first().cloned().unwrap_or_default()
    }

    pub fn set_value(&mut self, value: String) {
        match self.values.first_mut() {
            Some(first) => *first = value,
            None => self.values.push(value),
        }
    }

    /// A new attribute keeps the comparison if it allows it, else takes its first.
    pub fn set_attribute(&mut self, attribute: Attribute) {
        if attribute != self.attribute {
            self.attribute = attribute;
            self.values = vec![String::new()];
            if !attribute.operators().contains(&self.operator) {
                self.operator = attribute.operators()[0];
            }
        }
    }
}

impl ActionHost for RuleDraft {
    fn offered() -> Vec<(&'static str, Param)> {
        ACTIONS
            .iter()
            .chain(RULE_ONLY_ACTIONS.iter())
            .copied()
            .collect()
    }

    fn actions(&self) -> &[ActionDraft] {
        &self.actions
    }

    fn actions_mut(&mut self) -> &mut Vec<ActionDraft> {
        &mut self.actions
    }
}

impl RuleDraft {
    pub fn blank() -> Self {
        RuleDraft {
            name: String::new(),
            description: String::new(),
            event: RuleEvent::MessageCreated,
            active: true,
            no_reply_minutes: None,
            conditions: vec![ConditionDraft::new(1)],
            actions: vec![ActionDraft::new(2)],
        }
    }

    pub fn of(rule: &AutomationRule) -> Self {
        let mut key = 0;
        let mut next = || {
            key += 1;
            key
        };
        RuleDraft {
            name: rule.name.clone(),
            description: rule.description.clone(),
            event: rule.event_name,
            active: rule.active,
            no_reply_minutes: rule.no_reply_minutes,
            conditions: rule
                .conditions
                .iter()
                .filter_map(|c| {
                    Some(ConditionDraft {
                        key: next(),
                        attribute: Attribute::parse(&c.attribute_key)?,
                        operator: Operator::parse(&c.filter_operator)?,
                        values: c.values.iter().map(text).collect(),
                        or_next: c
                            .query_operator
                            .as_deref()
                            .is_some_and(|o| o.eq_ignore_ascii_case("or")),
                    })
                })
                .collect(),
            actions: rule
                .actions
                .iter()
                .map(|a| ActionDraft::of(next(), a))
                .collect(),
        }
    }

    /// A key no row has yet.
    pub fn next_key(&self) -> u32 {
        let conditions = self.conditions.iter().map(|c| c.key);
        let actions = self.actions.iter().map(|a| a.key);
        conditions.chain(actions).max().unwrap_or(0) + 1
    }

    /// Chatwoot's shape; values a comparison does not need are left out.
    pub fn input(&self) -> RuleInput {
        RuleInput {
            name: self.name.clone(),
            description: self.description.clone(),
            event_name: self.event,
            conditions: self
                .conditions
                .iter()
                .map(|c| ConditionInput {
                    attribute_key: c.attribute.key().to_owned(),
                    filter_operator: c.operator.key().to_owned(),
                    values: if c.operator.needs_values() {
                        c.values
                            .iter()
                            .filter(|v| !v.trim().is_empty())
                            .map(|v| Value::String(v.clone()))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    query_operator: Some(if c.or_next { "or" } else { "and" }.to_owned()),
                })
                .collect(),
            actions: self.actions.iter().map(ActionDraft::input).collect(),
            active: self.active,
            no_reply_minutes: (self.event == RuleEvent::NoReply)
                .then_some(self.no_reply_minutes)
                .flatten(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_rule_comes_back_the_same() {
        let mut draft = RuleDraft::blank();
        draft.name = "Facturas".into();
        draft.conditions[0].set_value("factura".into());
        draft.actions[0].set_name("assign_team".into());
        draft.actions[0].set_param("4".into());
        let input = draft.input();
        assert_eq!(input.conditions[0].values, vec![Value::from("factura")]);
        assert_eq!(input.actions[0].action_params, vec![Value::from(4)]);
        assert!(input.checked().is_ok());
        let rule = AutomationRule {
            id: 1,
            name: input.name.clone(),
            description: String::new(),
            event_name: input.event_name,
            conditions: input.conditions.clone(),
            actions: input.actions.clone(),
            no_reply_minutes: None,
            active: true,
            position: 1,
            disabled_reason: None,
            runs: 0,
            skipped_loops: 0,
            last_run_at: None,
            last_error: None,
            created_at: 0,
        };
        assert_eq!(RuleDraft::of(&rule).input(), input);
    }

    #[test]
    fn a_new_attribute_keeps_only_a_comparison_it_allows() {
        let mut c = ConditionDraft::new(1);
        c.set_value("x".into());
        c.set_attribute(Attribute::Priority);
        assert_eq!(c.operator, Operator::EqualTo);
        assert_eq!(c.value(), "");
        c.operator = Operator::NotEqualTo;
        c.set_attribute(Attribute::TeamId);
        assert_eq!(c.operator, Operator::NotEqualTo);
    }
}
