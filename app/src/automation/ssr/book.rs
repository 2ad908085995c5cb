//! The account's active rules by the event they listen to, and what an event of the
//! log means to them.
use std::collections::HashMap;

use super::facts::from_customer;
use crate::automation::model::AutomationRule;
use crate::conversations::model::MessageView;
use crate::db::Db;
use crate::domain::automation::{CheckedRule, RuleEvent};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::events::{EventEnvelope, LiveEvent};

/// The account's active rules, checked, in order, by event.
pub struct RuleBook {
    pub by_event: HashMap<RuleEvent, Vec<(AutomationRule, CheckedRule)>>,
}

impl RuleBook {
    pub async fn load(db: &Db, account_id: i64) -> Result<RuleBook, AppError> {
        let mut by_event: HashMap<RuleEvent, Vec<(AutomationRule, CheckedRule)>> = HashMap::new();
        for rule in super::store::list(db, account_id).await? {
            if !rule.active {
                continue;
            }
            if let Ok(checked) = rule.input().checked() {
                by_event
                    .entry(rule.event_name)
                    .or_default()
                    .push((rule, checked));
            }
        }
        Ok(RuleBook { by_event })
    }

    pub fn listens(&self, envelope: &EventEnvelope) -> bool {
        classify(envelope)
            .iter()
            .any(|(event, _, _)| self.by_event.get(event).is_some_and(|l| !l.is_empty()))
    }
}

/// What an event means to rules: (event, conversation, the customer's message).
pub fn classify(envelope: &EventEnvelope) -> Vec<(RuleEvent, i64, Option<&MessageView>)> {
    match &envelope.event {
        LiveEvent::ConversationChanged {
            conversation,
            previous: None,
        } => vec![(RuleEvent::ConversationCreated, conversation.id, None)],
        LiveEvent::ConversationChanged {
            conversation,
            previous: Some(previous),
        } => {
            let mut out = Vec::new();
            if previous.status != conversation.status
                || previous.assignee_id != conversation.assignee_id
                || previous.priority != conversation.priority
                || previous.team_id != conversation.team_id
                || previous.labels_changed(&conversation.label_ids)
            {
                out.push((RuleEvent::ConversationUpdated, conversation.id, None));
            }
            if conversation.status == ConversationStatus::Resolved
                && previous.status != ConversationStatus::Resolved
            {
                out.push((RuleEvent::ConversationResolved, conversation.id, None));
            }
            out
        }
        LiveEvent::MessageCreated { message } if from_customer(message) => {
            vec![(
                RuleEvent::MessageCreated,
                message.conversation_id,
                Some(message),
            )]
        }
        _ => Vec::new(),
    }
}
