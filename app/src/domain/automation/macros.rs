//! Macros (issue 32): a saved sequence of actions an agent runs on a conversation, in
//! Chatwoot's shape (`name`, `visibility`, `actions` as `action_name`/`action_params`).
//! A macro does what its agent could do by hand: assign, labels, priority, team, a
//! reply, a note, snooze, resolve. Mailing teammates and calling webhooks are rules'.
use serde::{Deserialize, Serialize};

use super::action::check_action;
use super::input::{ActionInput, Refusal};
use super::{RuleAction, MAX_ACTIONS, NAME_MAX_CHARS};

/// Who sees a macro: its author only, or every agent of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Personal,
    Global,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Personal => "personal",
            Visibility::Global => "global",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "personal" => Some(Visibility::Personal),
            "global" => Some(Visibility::Global),
            _ => None,
        }
    }
}

/// A macro as saved and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MacroInput {
    pub name: String,
    #[serde(default)]
    pub visibility: Visibility,
    pub actions: Vec<ActionInput>,
}

/// The actions a macro may hold, in the order the form offers them.
pub const MACRO_ACTIONS: [&str; 14] = [
    "assign_agent",
    "assign_team",
    "add_label",
    "remove_label",
    "change_priority",
    "send_message",
    "add_private_note",
    "send_template",
    "remove_assigned_agent",
    "remove_assigned_team",
    "snooze_conversation",
    "resolve_conversation",
    "open_conversation",
    "mute_conversation",
];

/// A macro checked whole.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedMacro {
    pub name: String,
    pub visibility: Visibility,
    pub actions: Vec<RuleAction>,
}

impl MacroInput {
    /// The typed macro, or the first failed rule as (field, code).
    pub fn checked(&self) -> Result<CheckedMacro, Refusal> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(("name", "required"));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(("name", "too_long"));
        }
        if self.actions.is_empty() {
            return Err(("actions", "required"));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(("actions", "too_many"));
        }
        let actions = self
            .actions
            .iter()
            .map(|a| {
                if MACRO_ACTIONS.contains(&a.action_name.as_str()) {
                    check_action(a)
                } else {
                    Err(("actions", "unknown"))
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(CheckedMacro {
            name: name.to_owned(),
            visibility: self.visibility,
            actions,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(actions: serde_json::Value) -> MacroInput {
        serde_json::from_value(
            json!({"name": " Facturas ", "visibility": "global", "actions": actions}),
        )
        .unwrap()
    }

    #[test]
    fn a_macro_is_checked_into_its_actions() {
        let checked = input(json!([
            {"action_name": "add_label", "action_params": ["facturación"]},
            {"action_name": "change_priority", "action_params": ["high"]},
            {"action_name": "send_message", "action_params": ["Lo miramos"]},
            {"action_name": "resolve_conversation"}
        ]))
        .checked()
        .unwrap();
        assert_eq!(checked.name, "Facturas");
        assert_eq!(checked.visibility, Visibility::Global);
        assert_eq!(checked.actions.len(), 4);
        assert_eq!(
            checked.actions[0],
            RuleAction::AddLabel(vec!["facturación".into()])
        );
    }

    #[test]
    fn rules_only_actions_and_bad_input_are_refused() {
        let webhook = json!([{"action_name": "send_webhook_event", "action_params": ["https://example.com"]}]);
        assert_eq!(input(webhook).checked(), Err(("actions", "unknown")));
        assert_eq!(input(json!([])).checked(), Err(("actions", "required")));
        let empty_note = json!([{"action_name": "add_private_note", "action_params": [""]}]);
        assert_eq!(input(empty_note).checked(), Err(("actions", "params")));
        let mut unnamed = input(json!([{"action_name": "resolve_conversation"}]));
        unnamed.name = "  ".into();
        assert_eq!(unnamed.checked(), Err(("name", "required")));
        // Visibility defaults to the author's own.
        let bare: MacroInput = serde_json::from_value(json!({"name": "x", "actions": []})).unwrap();
        assert_eq!(bare.visibility, Visibility::Personal);
    }
}
