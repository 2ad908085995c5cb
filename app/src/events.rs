//! The live event vocabulary, shared by the server (which appends events to the log
//! and fans them out) and the client (which applies them as deltas).
use crate::conversations::model::{ConversationSummary, MessageView};
use crate::domain::{Availability, ConversationStatus, Millis};
use crate::notifications::NotificationView;
use serde::{Deserialize, Serialize};

/// Something that happened in an account that open dashboards should reflect.
// Built once per change and serialized straight away; boxing the large variants
// would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// The parts of a conversation that decide which tab and status view it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationState {
    pub assignee_id: Option<i64>,
    pub status: ConversationStatus,
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

/// Frames the server writes on an agent's live socket.
#[allow(clippy::large_enum_variant)] // same reason as LiveEvent
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_json() {
        let frame = ServerFrame::Event(EventEnvelope {
            id: 7,
            account_id: 1,
            scope: EventScope::default(),
            created_at: 0,
            event: LiveEvent::AgentAvailabilityChanged {
                agent_id: 3,
                availability: Availability::Busy,
            },
        });
        let text = serde_json::to_string(&frame).unwrap();
        assert!(text.contains(r#""frame":"event""#), "{text}");
        assert!(
            text.contains(r#""type":"agent_availability_changed""#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), frame);
    }
}
