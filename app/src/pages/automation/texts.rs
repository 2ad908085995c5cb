//! The words for a rule's parts: events, what conditions look at and how they
//! compare, actions, and why a rule switched itself off.
use leptos_i18n::I18nContext;

use crate::domain::automation::{Attribute, Operator, RuleEvent};
use crate::i18n::*;

pub fn event_text(i18n: I18nContext<Locale>, event: RuleEvent) -> &'static str {
    match event {
        RuleEvent::ConversationCreated => t_string!(i18n, automation_event_conversation_created),
        RuleEvent::MessageCreated => t_string!(i18n, automation_event_message_created),
        RuleEvent::ConversationUpdated => t_string!(i18n, automation_event_conversation_updated),
        RuleEvent::ConversationResolved => t_string!(i18n, automation_event_conversation_resolved),
        RuleEvent::NoReply => t_string!(i18n, automation_event_no_reply),
    }
}

pub fn attribute_text(i18n: I18nContext<Locale>, attribute: Attribute) -> &'static str {
    match attribute {
        Attribute::Content => t_string!(i18n, automation_attr_content),
        Attribute::MailSubject => t_string!(i18n, automation_attr_mail_subject),
        Attribute::InboxId => t_string!(i18n, automation_attr_inbox_id),
        Attribute::Channel => t_string!(i18n, automation_attr_channel),
        Attribute::Email => t_string!(i18n, automation_attr_email),
        Attribute::Labels => t_string!(i18n, automation_attr_labels),
        Attribute::Priority => t_string!(i18n, automation_attr_priority),
        Attribute::Status => t_string!(i18n, automation_attr_status),
        Attribute::AssigneeId => t_string!(i18n, automation_attr_assignee_id),
        Attribute::TeamId => t_string!(i18n, automation_attr_team_id),
        Attribute::BusinessHours => t_string!(i18n, automation_attr_business_hours),
        Attribute::CountryCode => t_string!(i18n, automation_attr_country_code),
        Attribute::MessageType => t_string!(i18n, automation_attr_message_type),
    }
}

pub fn operator_text(i18n: I18nContext<Locale>, operator: Operator) -> &'static str {
    match operator {
        Operator::EqualTo => t_string!(i18n, automation_op_equal_to),
        Operator::NotEqualTo => t_string!(i18n, automation_op_not_equal_to),
        Operator::Contains => t_string!(i18n, automation_op_contains),
        Operator::DoesNotContain => t_string!(i18n, automation_op_does_not_contain),
        Operator::StartsWith => t_string!(i18n, automation_op_starts_with),
        Operator::IsPresent => t_string!(i18n, automation_op_is_present),
        Operator::IsNotPresent => t_string!(i18n, automation_op_is_not_present),
    }
}

/// An action by Chatwoot's name (one the page does not know keeps its name).
pub fn action_text(i18n: I18nContext<Locale>, name: &str) -> String {
    match name {
        "assign_agent" => t_string!(i18n, automation_action_assign_agent),
        "assign_team" => t_string!(i18n, automation_action_assign_team),
        "remove_assigned_agent" => t_string!(i18n, automation_action_remove_assigned_agent),
        "remove_assigned_team" => t_string!(i18n, automation_action_remove_assigned_team),
        "add_label" => t_string!(i18n, automation_action_add_label),
        "remove_label" => t_string!(i18n, automation_action_remove_label),
        "change_priority" => t_string!(i18n, automation_action_change_priority),
        "send_message" => t_string!(i18n, automation_action_send_message),
        "add_private_note" => t_string!(i18n, automation_action_add_private_note),
        "snooze_conversation" => t_string!(i18n, automation_action_snooze_conversation),
        "resolve_conversation" => t_string!(i18n, automation_action_resolve_conversation),
        "open_conversation" => t_string!(i18n, automation_action_open_conversation),
        "mute_conversation" => t_string!(i18n, automation_action_mute_conversation),
        "send_template" => t_string!(i18n, automation_action_send_template),
        "send_webhook_event" => t_string!(i18n, automation_action_send_webhook_event),
        "send_email_to_team" => t_string!(i18n, automation_action_send_email_to_team),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// "missing: label facturación" (as the engine records it) in the page's words.
pub fn disabled_text(i18n: I18nContext<Locale>, reason: &str) -> String {
    let what = reason.strip_prefix("missing: ").unwrap_or(reason);
    let (kind, value) = what.split_once(' ').unwrap_or((what, ""));
    let kind = match kind {
        "label" => t_string!(i18n, automation_kind_label),
        "team" => t_string!(i18n, automation_kind_team),
        "agent" => t_string!(i18n, automation_kind_agent),
        "inbox" => t_string!(i18n, automation_kind_inbox),
        other => other,
    };
    let what = format!("{kind} «{value}»");
    t_string!(i18n, automation_disabled, what = what).to_string()
}
