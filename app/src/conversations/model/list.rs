//! The list's vocabulary: its tabs, the filter and sort order kept in the address,
//! the keyset cursor, and the tab counts the live deltas keep.
use serde::{Deserialize, Serialize};

use super::ConversationSummary;
use crate::domain::{ChannelKind, ConversationStatus, Millis, Priority};

/// Conversaciones > Mías / Sin asignar / Todas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    #[default]
    Mine,
    Unassigned,
    All,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Mine, Tab::Unassigned, Tab::All];

    /// Its name in the address (`?tab=`) and in a saved folder.
    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Mine => "mine",
            Tab::Unassigned => "unassigned",
            Tab::All => "all",
        }
    }

    /// The tab a name means; anything else is "Mías".
    pub fn parse_or_mine(text: &str) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .unwrap_or(Tab::Mine)
    }

    /// Whether a conversation with this assignee belongs in the tab for `me`.
    pub fn includes(self, assignee_id: Option<i64>, me: i64) -> bool {
        match self {
            Tab::Mine => assignee_id == Some(me),
            Tab::Unassigned => assignee_id.is_none(),
            Tab::All => true,
        }
    }
}

/// Narrows and orders the list beyond its tab and status, kept in the address
/// (`?label=3&priority=high&inbox=2&channel=whatsapp&waiting=1&assignee=4&unread=1&sort=waiting`,
/// and date ranges as instants: `created_since`, `created_until`, `active_since`,
/// `active_until`, Unix milliseconds, `since` included and `until` not; the browser
/// turns the agent's days into them, so a shared address means the same range for all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListFilter {
    #[serde(default)]
    pub label_id: Option<i64>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub inbox_id: Option<i64>,
    #[serde(default)]
    pub channel: Option<ChannelKind>,
    /// Only conversations whose customer waits for a reply.
    #[serde(default)]
    pub waiting: bool,
    /// Assigned to this agent (the tabs cover "mine" and "nobody").
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// Only conversations with messages the viewer has not read.
    #[serde(default)]
    pub unread: bool,
    /// In this team's queue.
    #[serde(default)]
    pub team_id: Option<i64>,
    /// Created at or after / before this instant.
    #[serde(default)]
    pub created_since: Option<Millis>,
    #[serde(default)]
    pub created_until: Option<Millis>,
    /// Last activity at or after / before this instant.
    #[serde(default)]
    pub active_since: Option<Millis>,
    #[serde(default)]
    pub active_until: Option<Millis>,
    #[serde(default)]
    pub sort: ListSort,
}

impl ListFilter {
    /// Whether a conversation (already in the tab and status) passes the filter: the
    /// live deltas use it as the server's query does.
    pub fn matches(&self, conversation: &ConversationSummary) -> bool {
        self.label_id
            .is_none_or(|label| conversation.label_ids.contains(&label))
            && self.priority.is_none_or(|p| conversation.priority == p)
            && self.inbox_id.is_none_or(|i| conversation.inbox_id == i)
            && self.channel.is_none_or(|c| conversation.channel == c)
            && (!self.waiting || conversation.waiting_since.is_some())
            && self
                .assignee_id
                .is_none_or(|a| conversation.assignee_id == Some(a))
            && (!self.unread || conversation.unread_count > 0)
            && self.team_id.is_none_or(|t| conversation.team_id == Some(t))
            && within(
                conversation.created_at,
                self.created_since,
                self.created_until,
            )
            && within(
                conversation.last_activity_at,
                self.active_since,
                self.active_until,
            )
    }
}

/// `since <= at < until`, each bound where given.
fn within(at: Millis, since: Option<Millis>, until: Option<Millis>) -> bool {
    since.is_none_or(|s| at >= s) && until.is_none_or(|u| at < u)
}

/// The list's order (`?sort=` in the address).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListSort {
    /// Newest activity first (the default).
    #[default]
    LastActivity,
    CreatedNewest,
    CreatedOldest,
    /// The customer waiting longest for a reply first; those not waiting last.
    Waiting,
    /// Urgent first, then newest activity.
    Priority,
}

impl ListSort {
    pub const ALL: [ListSort; 5] = [
        ListSort::LastActivity,
        ListSort::CreatedNewest,
        ListSort::CreatedOldest,
        ListSort::Waiting,
        ListSort::Priority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListSort::LastActivity => "last_activity",
            ListSort::CreatedNewest => "created_newest",
            ListSort::CreatedOldest => "created_oldest",
            ListSort::Waiting => "waiting",
            ListSort::Priority => "priority",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ListSort::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Smaller keys first (oldest created, longest waiting); the others go newest first.
    pub fn ascending(self) -> bool {
        matches!(self, ListSort::CreatedOldest | ListSort::Waiting)
    }

    /// A position before every row.
    pub fn start(self) -> Cursor {
        let edge = if self.ascending() { i64::MIN } else { i64::MAX };
        Cursor {
            key: edge,
            tie: edge,
            id: edge,
        }
    }
}

/// Keyset position under a sort: rows strictly after this one. `key` is the sort's
/// value, `tie` its second value (0 where it has none), then the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(alias = "last_activity_at")]
    pub key: i64,
    #[serde(default)]
    pub tie: i64,
    pub id: i64,
}

impl Cursor {
    /// Whether this row comes before `other` in the list under `sort`.
    pub fn comes_before(&self, other: &Cursor, sort: ListSort) -> bool {
        let (a, b) = (
            (self.key, self.tie, self.id),
            (other.key, other.tie, other.id),
        );
        if sort.ascending() {
            a < b
        } else {
            a > b
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TabCounts {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

impl TabCounts {
    pub fn get(&self, tab: Tab) -> i64 {
        match tab {
            Tab::Mine => self.mine,
            Tab::Unassigned => self.unassigned,
            Tab::All => self.all,
        }
    }

    /// Applies a conversation moving from `before` to `after` (assignee, status) for
    /// an agent viewing `status`: the live delta behind the tab counts.
    pub fn apply(
        &mut self,
        me: i64,
        status: ConversationStatus,
        before: Option<(Option<i64>, ConversationStatus)>,
        after: (Option<i64>, ConversationStatus),
    ) {
        self.apply_states(me, status, before, Some(after));
    }

    /// A conversation that no longer exists (its contact was deleted).
    pub fn remove(
        &mut self,
        me: i64,
        status: ConversationStatus,
        before: (Option<i64>, ConversationStatus),
    ) {
        self.apply_states(me, status, Some(before), None);
    }

    fn apply_states(
        &mut self,
        me: i64,
        status: ConversationStatus,
        before: Option<(Option<i64>, ConversationStatus)>,
        after: Option<(Option<i64>, ConversationStatus)>,
    ) {
        for (state, sign) in [(before, -1), (after, 1)] {
            let Some((assignee, st)) = state else {
                continue;
            };
            if st != status {
                continue;
            }
            if Tab::Mine.includes(assignee, me) {
                self.mine += sign;
            }
            if Tab::Unassigned.includes(assignee, me) {
                self.unassigned += sign;
            }
            self.all += sign;
        }
    }
}
