//! A macro as its page, the chat, the palette and the API show it.
use serde::{Deserialize, Serialize};

use crate::domain::automation::macros::{MacroInput, Visibility};
use crate::domain::automation::ActionInput;
use crate::domain::Millis;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Macro {
    pub id: i64,
    pub name: String,
    pub visibility: Visibility,
    pub actions: Vec<ActionInput>,
    /// Who wrote it (`None` once that agent is gone).
    pub created_by_id: Option<i64>,
    /// Whether the agent asking may change or delete it: its author, or an
    /// administrator for a shared one.
    pub editable: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Macro {
    /// The macro as it would be saved again.
    pub fn input(&self) -> MacroInput {
        MacroInput {
            name: self.name.clone(),
            visibility: self.visibility,
            actions: self.actions.clone(),
        }
    }
}
