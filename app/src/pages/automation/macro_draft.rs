//! The macro being written: its name, who sees it, and its action rows (the same rows
//! as a rule's).
use super::action_draft::{ActionDraft, ActionHost};
use crate::automation::macros::Macro;
use crate::domain::automation::macros::{MacroInput, Visibility};

#[derive(Debug, Clone, PartialEq)]
pub struct MacroDraft {
    pub name: String,
    pub visibility: Visibility,
    pub actions: Vec<ActionDraft>,
}

impl ActionHost for MacroDraft {
    fn actions(&self) -> &[ActionDraft] {
        &self.actions
    }

    fn actions_mut(&mut self) -> &mut Vec<ActionDraft> {
        &mut self.actions
    }
}

impl MacroDraft {
    pub fn blank() -> Self {
        MacroDraft {
            name: String::new(),
            visibility: Visibility::Personal,
            actions: vec![ActionDraft::new(1)],
        }
    }

    pub fn of(saved: &Macro) -> Self {
        MacroDraft {
            name: saved.name.clone(),
            visibility: saved.visibility,
            actions: (1..)
                .zip(&saved.actions)
                .map(|(key, a)| ActionDraft::of(key, a))
                .collect(),
        }
    }

    /// A key no row has yet.
    pub fn next_key(&self) -> u32 {
        self.actions.iter().map(|a| a.key).max().unwrap_or(0) + 1
    }

    pub fn input(&self) -> MacroInput {
        MacroInput {
            name: self.name.clone(),
            visibility: self.visibility,
            actions: self.actions.iter().map(ActionDraft::input).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_saved_macro_comes_back_the_same() {
        let saved = Macro {
            id: 3,
            name: "Facturas".into(),
            visibility: Visibility::Global,
            actions: serde_json::from_value(json!([
                {"action_name": "add_label", "action_params": ["facturación"]},
                {"action_name": "assign_team", "action_params": [4]},
                {"action_name": "resolve_conversation", "action_params": []}
            ]))
            .unwrap(),
            created_by_id: Some(1),
            editable: true,
            created_at: 0,
            updated_at: 0,
        };
        let draft = MacroDraft::of(&saved);
        assert_eq!(draft.next_key(), 4);
        assert_eq!(draft.input(), saved.input());
    }
}
