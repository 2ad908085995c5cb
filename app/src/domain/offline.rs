//! What a web-chat inbox does for a visitor when nobody is there to answer: the reply
//! time it promises, whether it asks for her email, and through which email inbox an
//! agent's reply reaches her once she has left. Shared by the settings form, the
//! widget and the server.
use serde::{Deserialize, Serialize};

use super::ReplyTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineSettings {
    #[serde(default = "minutes")]
    pub reply_time: ReplyTime,
    /// Ask a visitor with no known email for one while nobody is online.
    #[serde(default = "yes")]
    pub ask_email: bool,
    /// The email inbox that sends her the replies she has not read (`None`: none are).
    #[serde(default)]
    pub email_inbox_id: Option<i64>,
}

fn minutes() -> ReplyTime {
    ReplyTime::Minutes
}

fn yes() -> bool {
    true
}

impl Default for OfflineSettings {
    fn default() -> Self {
        OfflineSettings {
            reply_time: ReplyTime::Minutes,
            ask_email: true,
            email_inbox_id: None,
        }
    }
}

/// Whether anyone can answer the visitor now, as her widget shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TeamPresence {
    /// A member of the inbox is online.
    Online,
    /// Within business hours (or with none), but nobody is online.
    #[default]
    Away,
    /// Outside the inbox's business hours.
    Closed,
}

impl TeamPresence {
    pub fn of(open_hours: bool, anyone_online: bool) -> TeamPresence {
        match (open_hours, anyone_online) {
            (false, _) => TeamPresence::Closed,
            (true, true) => TeamPresence::Online,
            (true, false) => TeamPresence::Away,
        }
    }

    /// Whether the widget asks for an email (when the inbox does and she gave none).
    pub fn asks_email(self, settings: &OfflineSettings, email_known: bool) -> bool {
        self != TeamPresence::Online && settings.ask_email && !email_known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_follows_hours_then_people() {
        assert_eq!(TeamPresence::of(false, true), TeamPresence::Closed);
        assert_eq!(TeamPresence::of(false, false), TeamPresence::Closed);
        assert_eq!(TeamPresence::of(true, true), TeamPresence::Online);
        assert_eq!(TeamPresence::of(true, false), TeamPresence::Away);
    }

    #[test]
    fn the_email_is_asked_only_when_nobody_answers_and_none_is_known() {
        let on = OfflineSettings::default();
        let off = OfflineSettings {
            ask_email: false,
            ..on
        };
        assert!(TeamPresence::Away.asks_email(&on, false));
        assert!(TeamPresence::Closed.asks_email(&on, false));
        assert!(!TeamPresence::Online.asks_email(&on, false));
        assert!(!TeamPresence::Away.asks_email(&on, true));
        assert!(!TeamPresence::Away.asks_email(&off, false));
    }

    #[test]
    fn stored_settings_missing_fields_take_the_defaults() {
        let read: OfflineSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(read, OfflineSettings::default());
        let read: OfflineSettings =
            serde_json::from_str(r#"{"reply_time":"in_a_day","email_inbox_id":7}"#).unwrap();
        assert_eq!(read.reply_time, ReplyTime::Day);
        assert_eq!(read.email_inbox_id, Some(7));
        assert!(read.ask_email);
    }
}
