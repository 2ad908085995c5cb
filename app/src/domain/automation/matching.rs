//! What a rule sees of a conversation when its event happens, and whether its
//! conditions hold: `and` binds tighter than `or` (each `or` starts a new group, any
//! group whose conditions all hold will do); no conditions always hold. Text is
//! compared lower-cased and without Spanish accents ("factura" finds "Facturación").
use super::{Attribute, Condition, Operator};
use crate::domain::{ChannelKind, ConversationStatus, MessageDirection, Priority};

#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The message of a `message_created` event.
    pub content: Option<String>,
    pub mail_subject: Option<String>,
    pub message_type: Option<MessageDirection>,
    pub inbox_id: i64,
    pub channel: ChannelKind,
    /// The contact's email (or the one she gave).
    pub email: Option<String>,
    /// Label names.
    pub labels: Vec<String>,
    pub priority: Priority,
    pub status: ConversationStatus,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    /// Whether the inbox is inside its business hours now.
    pub open_hours: bool,
    /// ISO country of the contact's phone.
    pub country_code: Option<String>,
}

fn folded(text: &str) -> String {
    crate::domain::search_text(&[Some(text)])
}

fn text_holds(operator: Operator, actual: Option<&str>, values: &[String]) -> bool {
    let actual = actual.map(folded).filter(|a| !a.is_empty());
    match (operator, actual) {
        (Operator::IsPresent, a) => a.is_some(),
        (Operator::IsNotPresent, a) => a.is_none(),
        (Operator::EqualTo, Some(a)) => values.contains(&a),
        (Operator::NotEqualTo, Some(a)) => values.iter().all(|v| *v != a),
        (Operator::Contains, Some(a)) => values.iter().any(|v| a.contains(v.as_str())),
        (Operator::DoesNotContain, Some(a)) => values.iter().all(|v| !a.contains(v.as_str())),
        (Operator::StartsWith, Some(a)) => values.iter().any(|v| a.starts_with(v.as_str())),
        (Operator::NotEqualTo | Operator::DoesNotContain, None) => true,
        (_, None) => false,
    }
}

fn choice_holds(operator: Operator, actual: Option<String>, values: &[String]) -> bool {
    match operator {
        Operator::IsPresent => actual.is_some(),
        Operator::IsNotPresent => actual.is_none(),
        Operator::NotEqualTo => actual.is_none_or(|a| !values.contains(&a)),
        _ => actual.is_some_and(|a| values.contains(&a)),
    }
}

fn holds(condition: &Condition, facts: &Facts) -> bool {
    let Condition {
        attribute,
        operator,
        values,
        ..
    } = condition;
    let op = *operator;
    match attribute {
        Attribute::Content => text_holds(op, facts.content.as_deref(), values),
        Attribute::MailSubject => text_holds(op, facts.mail_subject.as_deref(), values),
        Attribute::Email => text_holds(op, facts.email.as_deref(), values),
        Attribute::Labels => {
            let has = |v: &String| facts.labels.iter().any(|l| folded(l) == *v);
            match op {
                Operator::IsPresent => !facts.labels.is_empty(),
                Operator::IsNotPresent => facts.labels.is_empty(),
                Operator::NotEqualTo => !values.iter().any(has),
                _ => values.iter().any(has),
            }
        }
        Attribute::InboxId => choice_holds(op, Some(facts.inbox_id.to_string()), values),
        Attribute::AssigneeId => choice_holds(op, facts.assignee_id.map(|i| i.to_string()), values),
        Attribute::TeamId => choice_holds(op, facts.team_id.map(|i| i.to_string()), values),
        Attribute::Channel => choice_holds(op, Some(facts.channel.as_str().into()), values),
        Attribute::Priority => choice_holds(op, Some(facts.priority.as_str().into()), values),
        Attribute::Status => choice_holds(op, Some(facts.status.as_str().into()), values),
        Attribute::MessageType => {
            choice_holds(op, facts.message_type.map(|m| m.as_str().into()), values)
        }
        Attribute::BusinessHours => {
            let now = if facts.open_hours { "open" } else { "closed" };
            choice_holds(op, Some(now.into()), values)
        }
        Attribute::CountryCode => choice_holds(op, facts.country_code.clone(), values),
    }
}

/// Whether the conditions hold for these facts.
pub fn matches(conditions: &[Condition], facts: &Facts) -> bool {
    if conditions.is_empty() {
        return true;
    }
    let mut group = true;
    for (i, condition) in conditions.iter().enumerate() {
        group = group && holds(condition, facts);
        let last = i + 1 == conditions.len();
        if condition.or_next || last {
            if group {
                return true;
            }
            group = true;
        }
    }
    false
}
