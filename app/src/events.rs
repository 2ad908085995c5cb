//! The live event vocabulary, shared by the server (which appends events to the log
//! and fans them out) and the client (which applies them as deltas).
use crate::conversations::model::{ConversationSummary, MessageView};
use crate::domain::{Availability, ConversationStatus, Millis, Priority};
use crate::notifications::model::NotificationView;
use crate::tag_first::{tag_first_deserialize, TagFirst};
use serde::{Deserialize, Deserializer, Serialize};

/// Something that happened in an account that open dashboards should reflect.
// Built once per change and serialized straight away; boxing the large variants
// would buy nothing.
// Decoded by `crate::tag_first` (its twin is `LiveEventTwin` below).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    AgentAvailabilityChanged {
        agent_id: i64,
        availability: Availability,
    },
    /// A conversation was created (`previous: None`) or changed; clients move it
    /// between tabs and adjust counts from `previous` to the new state.
    ConversationChanged {
        conversation: ConversationSummary,
        previous: Option<ConversationState>,
    },
    MessageCreated {
        message: MessageView,
    },
    /// Delivery state (or error) of a message changed.
    MessageUpdated {
        message: MessageView,
    },
    NotificationCreated {
        notification: NotificationView,
    },
    /// An agent joined or left an inbox. Their sockets start or stop carrying its
    /// events at once; their dashboard reloads its lists.
    MembershipChanged {
        agent_id: i64,
        inbox_id: i64,
        member: bool,
    },
    /// An agent's role changed, or they were deactivated (their sockets close).
    AgentChanged {
        agent_id: i64,
        role: crate::domain::Role,
        active: bool,
    },
    /// A conversation was erased with its contact (S13): lists drop it and counts
    /// subtract `previous`.
    ConversationDeleted {
        conversation_id: i64,
        inbox_id: i64,
        previous: ConversationState,
    },
    /// Sessions of this agent ended (sign-out: `only` that one; a password change:
    /// all `except` the one that changed it): their live sockets close, on every
    /// replica. Sessions are named by [`session_tag`], never by their cookie's hash.
    SessionsEnded {
        agent_id: i64,
        #[serde(default)]
        only: Option<String>,
        #[serde(default)]
        except: Option<String>,
    },
    /// The account's labels were created, changed or deleted: dashboards reload them.
    LabelsChanged {},
    /// The account's teams (or their members) changed: dashboards reload them.
    TeamsChanged {},
    /// A contact was created or changed (webhooks tell of it; dashboards ignore it).
    ContactChanged {
        contact_id: i64,
        created: bool,
    },
    /// A rule's "call a webhook": the webhook dispatcher posts the conversation to
    /// `url`. For the server alone (no socket carries it: the URL is the rule's).
    AutomationWebhook {
        rule_id: i64,
        conversation_id: i64,
        url: String,
        /// The rule's event (Chatwoot's `automation_event.<event_name>`).
        event_name: String,
    },
}

/// A session's name in the event log: a digest of its stored hash, which says nothing
/// about the cookie and cannot be looked up in `sessions`.
impl LiveEvent {
    /// A notification was written: the push worker has something to send.
    pub fn notifies(&self) -> bool {
        matches!(self, LiveEvent::NotificationCreated { .. })
    }

    /// A conversation was opened: its "every new conversation" notices may be queued.
    pub fn opens_conversation(&self) -> bool {
        matches!(self, LiveEvent::ConversationChanged { previous: None, .. })
    }

    /// Something webhooks tell of (conversations and messages) happened.
    pub fn hooked(&self) -> bool {
        matches!(
            self,
            LiveEvent::ConversationChanged { .. }
                | LiveEvent::MessageCreated { .. }
                | LiveEvent::MessageUpdated { .. }
                | LiveEvent::ContactChanged { .. }
                | LiveEvent::AutomationWebhook { .. }
        )
    }

    /// For the server's workers alone: never sent to a socket.
    pub fn internal(&self) -> bool {
        matches!(self, LiveEvent::AutomationWebhook { .. })
    }

    /// A message waiting for its channel: an agent's reply, or one put back by "retry".
    pub fn may_queue_outbound(&self) -> bool {
        let sending = |m: &MessageView| {
            !m.private && m.delivery_status == Some(crate::domain::DeliveryStatus::Sending)
        };
        match self {
            LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message } => {
                sending(message)
            }
            _ => false,
        }
    }
}

#[cfg(feature = "ssr")]
pub fn session_tag(token_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("live-session:{token_hash}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "LiveEvent", rename_all = "snake_case")]
enum LiveEventTwin {
    AgentAvailabilityChanged {
        agent_id: i64,
        availability: Availability,
    },
    ConversationChanged {
        conversation: ConversationSummary,
        previous: Option<ConversationState>,
    },
    MessageCreated {
        message: MessageView,
    },
    MessageUpdated {
        message: MessageView,
    },
    NotificationCreated {
        notification: NotificationView,
    },
    MembershipChanged {
        agent_id: i64,
        inbox_id: i64,
        member: bool,
    },
    AgentChanged {
        agent_id: i64,
        role: crate::domain::Role,
        active: bool,
    },
    ConversationDeleted {
        conversation_id: i64,
        inbox_id: i64,
        previous: ConversationState,
    },
    SessionsEnded {
        agent_id: i64,
        #[serde(default)]
        only: Option<String>,
        #[serde(default)]
        except: Option<String>,
    },
    /// The account's labels were created, changed or deleted: dashboards reload them.
    LabelsChanged {},
    /// The account's teams (or their members) changed: dashboards reload them.
    TeamsChanged {},
    ContactChanged {
        contact_id: i64,
        created: bool,
    },
    AutomationWebhook {
        rule_id: i64,
        conversation_id: i64,
        url: String,
        event_name: String,
    },
}

impl TagFirst for LiveEvent {
    const TAG: &'static str = "type";
    fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        LiveEventTwin::deserialize(d)
    }
}
tag_first_deserialize!(LiveEvent);

/// The parts of a conversation that decide which tab and status view it is in, and
/// those whose change automation rules hear as "conversation updated".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationState {
    pub assignee_id: Option<i64>,
    pub status: ConversationStatus,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub team_id: Option<i64>,
    /// Its labels before; `None` in events written before the log kept them (and
    /// where nobody reads them: a deleted conversation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_ids: Option<Vec<i64>>,
}

impl ConversationState {
    /// Whether the labels changed to `now` (unknown counts as unchanged).
    pub fn labels_changed(&self, now: &[i64]) -> bool {
        self.label_ids.as_ref().is_some_and(|before| {
            let (mut a, mut b) = (before.clone(), now.to_vec());
            a.sort_unstable();
            b.sort_unstable();
            a != b
        })
    }
}

/// Who may see an event: the socket filter applies this, never the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventScope {
    /// Only members of this inbox (and administrators) see it.
    pub inbox_id: Option<i64>,
    pub conversation_id: Option<i64>,
    /// Only this agent sees it (their notifications).
    pub agent_id: Option<i64>,
}

/// An event as stored in the log: ids increase in commit order within an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    pub id: i64,
    pub account_id: i64,
    pub scope: EventScope,
    pub created_at: Millis,
    pub event: LiveEvent,
}

/// One "is writing" (or "stopped") as the reader receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typing {
    pub conversation_id: i64,
    /// The agent writing; `None`: the customer.
    pub agent_id: Option<i64>,
    /// The writer's name as the reader should see it (empty: a customer without one).
    pub name: String,
    /// A private note: said to teammates only, never to the customer.
    pub private: bool,
    /// `false`: she sent it, cleared it or left.
    pub typing: bool,
}

/// Frames the server writes on an agent's live socket.
#[allow(clippy::large_enum_variant)] // same reason as LiveEvent
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame: the newest event id at connection time, the point to resume from.
    Hello {
        last_event_id: i64,
    },
    Event(EventEnvelope),
    /// The requested resume point is no longer in the log: reload state, then go on.
    Resync {
        last_event_id: i64,
    },
    /// Someone is writing in a conversation she may see (never logged nor replayed).
    Typing(Typing),
}

/// What an agent's tab says on its live socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "frame", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Someone is using the tab (sent at most once a minute while they do): she is
    /// not idle.
    Active,
    /// She is writing in this conversation (again every few seconds while she does),
    /// or stopped.
    Typing {
        conversation_id: i64,
        private: bool,
        typing: bool,
    },
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "ServerFrame", rename_all = "snake_case")]
enum ServerFrameTwin {
    Hello { last_event_id: i64 },
    Event(EventEnvelope),
    Resync { last_event_id: i64 },
    Typing(Typing),
}

impl TagFirst for ServerFrame {
    const TAG: &'static str = "frame";
    fn from_variant<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ServerFrameTwin::deserialize(d)
    }
}
tag_first_deserialize!(ServerFrame);

#[cfg(test)]
mod tests;
