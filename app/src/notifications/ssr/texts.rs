//! What a notification says outside the app (push, email), in the agent's language.
use crate::i18n::*;
use crate::notifications::model::NotificationKind;

/// The agent's stored language (`es` when she chose none).
pub fn locale_of(text: &str) -> Locale {
    match text {
        "en" => Locale::en,
        _ => Locale::es,
    }
}

/// One line naming what happened: "Lucía te mencionó en #12".
pub fn title(kind: NotificationKind, locale: &str, number: i64, name: &str) -> String {
    let l = locale_of(locale);
    match kind {
        NotificationKind::Mention => {
            td_string!(l, notify_title_mention, name = name, number = number).to_string()
        }
        NotificationKind::Assigned => {
            td_string!(l, notify_title_assigned, number = number).to_string()
        }
        NotificationKind::NewConversation => {
            td_string!(l, notify_title_new_conversation, number = number).to_string()
        }
        NotificationKind::CustomerReply => {
            td_string!(l, notify_title_customer_reply, name = name, number = number).to_string()
        }
    }
}
