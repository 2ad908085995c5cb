//! Notifications as the bell shows them, their kinds, and each agent's choice of how
//! each kind reaches her. Vocabulary: the live events carry them, the client and the
//! server share the rules.
use crate::domain::Millis;
use serde::{Deserialize, Serialize};

/// What happened, for the agent it concerns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A teammate mentioned her in a private note.
    #[default]
    Mention,
    /// A conversation was assigned to her (by a teammate or by automatic assignment).
    Assigned,
    /// A customer opened a conversation in one of her inboxes (off unless she asks).
    NewConversation,
    /// The customer wrote again in a conversation assigned to her.
    CustomerReply,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 4] = [
        NotificationKind::Mention,
        NotificationKind::Assigned,
        NotificationKind::NewConversation,
        NotificationKind::CustomerReply,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Mention => "mention",
            NotificationKind::Assigned => "assigned",
            NotificationKind::NewConversation => "new_conversation",
            NotificationKind::CustomerReply => "customer_reply",
        }
    }

    pub fn parse(text: &str) -> Option<NotificationKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Email is for what is addressed to her by name: mentions and assignments. A
    /// message per customer reply or per new conversation would bury the inbox.
    pub fn emails(self) -> bool {
        matches!(self, NotificationKind::Mention | NotificationKind::Assigned)
    }

    /// How it reaches her until she chooses otherwise.
    pub fn default_ways(self) -> Ways {
        match self {
            NotificationKind::NewConversation => Ways::default(),
            kind => Ways {
                push: true,
                email: kind.emails(),
                sound: true,
            },
        }
    }
}

/// The ways a notification reaches an agent besides the bell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ways {
    /// Web Push to every browser she turned it on in.
    pub push: bool,
    /// An email when she has not seen it in the app within minutes.
    pub email: bool,
    /// A sound while Charla is open but not in front.
    pub sound: bool,
}

impl Ways {
    pub fn any(self) -> bool {
        self.push || self.email || self.sound
    }
}

/// One kind's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPrefs {
    pub kind: NotificationKind,
    pub ways: Ways,
}

/// Mi perfil's notification settings: one line per kind, and what the server offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPrefs {
    pub kinds: Vec<KindPrefs>,
    /// The server has an SMTP setting for notification emails.
    pub email_available: bool,
    /// The server's VAPID public key (base64url), for `pushManager.subscribe`.
    pub push_key: String,
    /// Endpoints of the browsers she turned push on in.
    pub endpoints: Vec<String>,
}

impl NotificationPrefs {
    /// The ways of `kind` (the default when absent).
    pub fn ways(&self, kind: NotificationKind) -> Ways {
        self.kinds
            .iter()
            .find(|k| k.kind == kind)
            .map_or_else(|| kind.default_ways(), |k| k.ways)
    }

    /// The rules shared by the form and the server: each kind once, no email for a kind
    /// that is never emailed.
    pub fn check(kinds: &[KindPrefs]) -> Result<(), (&'static str, &'static str)> {
        for (i, k) in kinds.iter().enumerate() {
            if kinds[..i].iter().any(|o| o.kind == k.kind) {
                return Err(("kinds", "duplicate"));
            }
            if k.ways.email && !k.kind.emails() {
                return Err(("kinds", "invalid"));
            }
        }
        Ok(())
    }
}

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscriptionInput {
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (65 bytes, uncompressed).
    pub p256dh: String,
    /// The browser's authentication secret, base64url (16 bytes).
    pub auth: String,
}

/// Longest endpoint accepted (push services use a few hundred characters).
pub const ENDPOINT_MAX: usize = 2048;

impl PushSubscriptionInput {
    /// What can be told without decoding keys (the server decodes them too).
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let e = self.endpoint.trim();
        if e.len() > ENDPOINT_MAX
            || !(e.starts_with("https://") || e.starts_with("http://"))
            || e.contains(char::is_whitespace)
        {
            return Err(("endpoint", "invalid"));
        }
        let b64url = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        };
        // 65 bytes are 87 base64url characters (88 padded); 16 bytes are 22 (24).
        if !(87..=88).contains(&self.p256dh.len()) || !b64url(&self.p256dh) {
            return Err(("p256dh", "invalid"));
        }
        if !(22..=24).contains(&self.auth.len()) || !b64url(&self.auth) {
            return Err(("auth", "invalid"));
        }
        Ok(())
    }
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    /// Events stored before kinds existed were all mentions.
    #[serde(default)]
    pub kind: NotificationKind,
    pub conversation_id: i64,
    pub display_id: i64,
    pub actor_name: Option<String>,
    pub preview: String,
    pub created_at: Millis,
    pub read: bool,
    /// She asked for a sound for this kind (played while the page is not in front).
    #[serde(default)]
    pub sound: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_defaults() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.default_ways().email || kind.emails());
        }
        assert!(!NotificationKind::NewConversation.default_ways().any());
        assert!(NotificationKind::Mention.default_ways().email);
        assert_eq!(NotificationKind::parse("other"), None);
    }

    #[test]
    fn prefs_refuse_duplicates_and_email_where_none_goes() {
        let line = |kind, email| KindPrefs {
            kind,
            ways: Ways {
                push: true,
                email,
                sound: false,
            },
        };
        assert!(NotificationPrefs::check(&[line(NotificationKind::Mention, true)]).is_ok());
        assert_eq!(
            NotificationPrefs::check(&[
                line(NotificationKind::Mention, true),
                line(NotificationKind::Mention, false)
            ]),
            Err(("kinds", "duplicate"))
        );
        assert_eq!(
            NotificationPrefs::check(&[line(NotificationKind::CustomerReply, true)]),
            Err(("kinds", "invalid"))
        );
    }

    #[test]
    fn subscriptions_are_checked_before_decoding() {
        let ok = PushSubscriptionInput {
            endpoint: "https://push.example/abc".into(),
            p256dh: "B".repeat(87),
            auth: "a".repeat(22),
        };
        assert!(ok.check().is_ok());
        let bad = |f: fn(&mut PushSubscriptionInput)| {
            let mut s = ok.clone();
            f(&mut s);
            s.check().unwrap_err().0
        };
        assert_eq!(bad(|s| s.endpoint = "ftp://x".into()), "endpoint");
        assert_eq!(bad(|s| s.endpoint = "https://a b".into()), "endpoint");
        assert_eq!(bad(|s| s.p256dh = "short".into()), "p256dh");
        assert_eq!(bad(|s| s.auth = "a/b+".repeat(6)), "auth");
    }
}
