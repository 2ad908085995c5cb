//! Bulk actions on the list: one action for many selected conversations, answered
//! with what changed and, per conversation, what was refused.
use serde::{Deserialize, Serialize};

use super::ConversationSummary;
use crate::domain::{ConversationStatus, Priority};

/// The most conversations one bulk action takes: a page selected by "select all" is
/// 25; a bigger batch is a script, which pages.
pub const BULK_MAX: usize = 500;

/// What to do to every selected conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkAction {
    /// Assign to a teammate, or unassign with `None`.
    Assign {
        assignee_id: Option<i64>,
    },
    AddLabel {
        label_id: i64,
    },
    RemoveLabel {
        label_id: i64,
    },
    SetPriority {
        priority: Priority,
    },
    /// Put in a team's queue, or in none with `None`.
    SetTeam {
        team_id: Option<i64>,
    },
    /// Resolve, reopen, mark pending or snooze (`snoozed_until: None`: until the
    /// customer writes).
    SetStatus {
        status: ConversationStatus,
        #[serde(default)]
        snoozed_until: Option<i64>,
    },
}

/// One conversation the action was not applied to, and why (`not_found`: not one
/// the agent may see; `assignee_not_member`: the assignee cannot see its inbox;
/// `too_many_labels`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRefusal {
    pub id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// Every accepted conversation as it now stands (changed or already so).
    pub updated: Vec<ConversationSummary>,
    pub refused: Vec<BulkRefusal>,
}
