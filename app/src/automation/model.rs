//! A rule as its page and the API show it.
use serde::{Deserialize, Serialize};

use crate::domain::automation::{ActionInput, ConditionInput, RuleEvent};
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
