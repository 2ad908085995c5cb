//! A rule as its page and the API show it.
use serde::{Deserialize, Serialize};

use crate::domain::automation::{ActionInput, ConditionInput, RuleEvent, RuleInput};
use crate::domain::Millis;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutomationRule {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub event_name: RuleEvent,
    pub conditions: Vec<ConditionInput>,
    pub actions: Vec<ActionInput>,
    pub no_reply_minutes: Option<u32>,
    pub active: bool,
    /// Rules run in this order (then by id).
    pub position: i64,
    /// Why it was switched off by itself (a label, team, agent or inbox it names is gone).
    pub disabled_reason: Option<String>,
    pub runs: i64,
    /// Times its own actions would have set it off again and did not.
    pub skipped_loops: i64,
    pub last_run_at: Option<Millis>,
    pub last_error: Option<String>,
    pub created_at: Millis,
}

impl AutomationRule {
    /// The rule as it would be saved again (the form, the API's `PATCH`, the engine).
    pub fn input(&self) -> RuleInput {
        RuleInput {
            name: self.name.clone(),
            description: self.description.clone(),
            event_name: self.event_name,
            conditions: self.conditions.clone(),
            actions: self.actions.clone(),
            active: self.active,
            no_reply_minutes: self.no_reply_minutes,
        }
    }
}

/// What a rule would have done over the account's latest conversations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// How many conversations it was tried on (at most [`TRIAL_CONVERSATIONS`]).
    pub considered: u32,
    /// Those whose conditions held, most recent first.
    pub matched: Vec<TrialMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialMatch {
    pub conversation_id: i64,
    pub display_id: i64,
    pub contact_name: String,
    /// The message the rule read (for "message received"), else the latest one.
    pub preview: Option<String>,
}

/// A trial reads this many of the latest conversations.
pub const TRIAL_CONVERSATIONS: i64 = 50;
