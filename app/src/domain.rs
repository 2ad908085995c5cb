//! Domain vocabulary shared by client and server: roles, statuses and the small
//! value types that parse user input. Each enum maps to the TEXT stored in the database.
pub mod api_inbox;
pub mod attachment;
pub mod automation;
pub mod bot;
pub mod business_hours;
pub mod canned;
pub mod contact;
pub mod csat;
mod email;
pub mod email_inbox;
pub mod name;
pub mod offline;
mod phone;
pub mod spreadsheet;
pub mod template;
pub mod web_chat;
pub mod whatsapp;

pub use contact::{ContactInput, ContactQuery, FieldError};
pub use email::EmailAddress;
pub use phone::{PhoneError, PhoneNumber};

use serde::{Deserialize, Serialize};

/// Unix time in milliseconds; `i64` so the 32-bit WASM client agrees with the server.
pub type Millis = i64;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What an agent may do: administrators manage inboxes, agents and templates.
    Role { Administrator => "administrator", Agent => "agent" }
);
text_enum!(
    /// Shown to teammates next to the agent's name.
    Availability { Online => "online", Busy => "busy", Offline => "offline" }
);
text_enum!(
    /// When the team usually answers, as the widget tells a visitor (Chatwoot's
    /// `reply_time` values).
    ReplyTime { Minutes => "in_a_few_minutes", Hours => "in_a_few_hours", Day => "in_a_day" }
);
text_enum!(ChannelKind { WebChat => "web_chat", WhatsApp => "whatsapp", Email => "email", Api => "api" });
text_enum!(ConversationStatus { Open => "open", Pending => "pending", Snoozed => "snoozed", Resolved => "resolved" });
text_enum!(MessageDirection { Incoming => "incoming", Outgoing => "outgoing", Activity => "activity" });
text_enum!(DeliveryStatus { Sending => "sending", Sent => "sent", Delivered => "delivered", Read => "read", Failed => "failed" });
text_enum!(
    /// How urgent a conversation is; `None` is the default. Stored as its [`Priority::rank`]
    /// so the list can sort by it.
    Priority { None => "none", Low => "low", Medium => "medium", High => "high", Urgent => "urgent" }
);

impl Priority {
    /// 0 (none) to 4 (urgent): the stored value and the sort order.
    pub fn rank(self) -> i64 {
        match self {
            Priority::None => 0,
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Priority::ALL.iter().copied().find(|p| p.rank() == rank)
    }
}

// `text_enum!` writes the derives; a `#[default]` variant would need a macro arm of its own.
#[allow(clippy::derivable_impls)]
impl Default for Priority {
    fn default() -> Self {
        Priority::None
    }
}

/// The text of a message: trimmed, not empty, at most [`MessageBody::MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody(String);

impl MessageBody {
    pub const MAX_CHARS: usize = 10_000;

    /// Errors carry the stable codes `required` and `too_long`.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            Err("required")
        } else if trimmed.chars().count() > Self::MAX_CHARS {
            Err("too_long")
        } else {
            Ok(MessageBody(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text of a message that may carry files: empty is fine (`None`) when it does.
    pub fn parse_beside_files(input: &str, has_files: bool) -> Result<Option<Self>, &'static str> {
        match Self::parse(input) {
            Err("required") if has_files => Ok(None),
            parsed => parsed.map(Some),
        }
    }
}

/// A password an agent chooses: 8 to 128 characters.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    match password.chars().count() {
        0 => Err("required"),
        1..=7 => Err("too_short"),
        8..=128 => Ok(()),
        _ => Err("too_long"),
    }
}

impl Role {
    pub fn is_admin(self) -> bool {
        self == Role::Administrator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_text() {
        for s in ConversationStatus::ALL {
            assert_eq!(ConversationStatus::parse(s.as_str()), Some(*s));
        }
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(s.as_str()), Some(*s));
        }
        for s in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Role::parse("owner"), None);
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(*p));
            assert_eq!(Priority::from_rank(p.rank()), Some(*p));
        }
        assert_eq!(Priority::from_rank(5), None);
        assert!(Priority::Urgent.rank() > Priority::High.rank());
    }

    #[test]
    fn message_bodies_are_trimmed_and_bounded() {
        assert_eq!(MessageBody::parse("  hola \n").unwrap().as_str(), "hola");
        assert_eq!(MessageBody::parse(" \n\t"), Err("required"));
        assert_eq!(
            MessageBody::parse(&"a".repeat(MessageBody::MAX_CHARS + 1)),
            Err("too_long")
        );
        assert!(MessageBody::parse(&"ñ".repeat(MessageBody::MAX_CHARS)).is_ok());
        assert_eq!(MessageBody::parse_beside_files(" ", true), Ok(None));
        assert_eq!(MessageBody::parse_beside_files(" ", false), Err("required"));
        assert!(MessageBody::parse_beside_files(&"a".repeat(10_001), true).is_err());
    }

    #[test]
    fn serde_uses_the_database_text() {
        assert_eq!(
            serde_json::to_string(&ChannelKind::WhatsApp).unwrap(),
            "\"whatsapp\""
        );
    }
}

/// Replaces each `{{ name }}` in `text` by `lookup(name)` (the name trimmed); a
/// placeholder it answers `None` for, and an unclosed `{{`, stay as written. Shared by
/// WhatsApp templates (`{{1}}`) and canned responses (`{{contact.name}}`).
pub fn fill_placeholders(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match lookup(after[..end].trim()) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Lower-cased, accent-free text of the given parts, for substring search
/// ("jose" finds "José").
pub fn search_text(parts: &[Option<&str>]) -> String {
    let mut out = String::new();
    for part in parts.iter().flatten() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in part.chars().flat_map(char::to_lowercase) {
            out.push(fold_accent(c));
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

#[cfg(test)]
mod search_tests {
    #[test]
    fn folds_case_and_spanish_accents() {
        assert_eq!(
            super::search_text(&[Some("José Núñez"), None, Some("+34 600")]),
            "jose nunez +34 600"
        );
    }
}
