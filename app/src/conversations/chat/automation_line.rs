//! The activity line an automation rule leaves: its name and, in the reader's
//! language, what it did (stored as Chatwoot's action names).
use crate::i18n::*;

/// One action, as the line says it.
pub fn action_text(i18n: leptos_i18n::I18nContext<Locale>, action: &str) -> String {
    let text = match action {
        "assign_agent" => t_string!(i18n, automation_did_assign_agent),
        "assign_team" => t_string!(i18n, automation_did_assign_team),
        "remove_assigned_agent" => t_string!(i18n, automation_did_remove_assigned_agent),
        "remove_assigned_team" => t_string!(i18n, automation_did_remove_assigned_team),
        "add_label" => t_string!(i18n, automation_did_add_label),
        "remove_label" => t_string!(i18n, automation_did_remove_label),
        "change_priority" => t_string!(i18n, automation_did_change_priority),
        "send_message" => t_string!(i18n, automation_did_send_message),
        "add_private_note" => t_string!(i18n, automation_did_add_private_note),
        "snooze_conversation" => t_string!(i18n, automation_did_snooze_conversation),
        "resolve_conversation" => t_string!(i18n, automation_did_resolve_conversation),
        "open_conversation" => t_string!(i18n, automation_did_open_conversation),
        "mute_conversation" => t_string!(i18n, automation_did_mute_conversation),
        "send_template" => t_string!(i18n, automation_did_send_template),
        "send_webhook_event" => t_string!(i18n, automation_did_send_webhook_event),
        "send_email_to_team" => t_string!(i18n, automation_did_send_email_to_team),
        _ => t_string!(i18n, automation_did_other),
    };
    text.to_string()
}
