//! WhatsApp rules shared by the composer and the server: the 24-hour customer-service
//! window (S7) and the inbox settings administrators edit.
use serde::{Deserialize, Serialize};

use super::Millis;

/// Meta's customer-service window: free-form messages only within 24 hours of the
/// customer's last message.
pub const WINDOW_MS: Millis = 24 * 60 * 60 * 1000;

/// Whether a free-form message may be sent now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// Open for this many more milliseconds.
    Open { remaining_ms: Millis },
    /// Closed: only templates (and private notes) until the customer writes again.
    Closed,
    /// The customer never wrote on this number: only templates.
    NeverOpened,
}

impl Window {
    /// The window at `now`, given the customer's last inbound message on this number
    /// (across every conversation). A timestamp ahead of `now` (clocks that disagree)
    /// counts as "just now": the window is open, never for longer than 24 hours.
    pub fn at(last_inbound: Option<Millis>, now: Millis) -> Window {
        let Some(last) = last_inbound else {
            return Window::NeverOpened;
        };
        let elapsed = now.saturating_sub(last).max(0);
        if elapsed < WINDOW_MS {
            Window::Open {
                remaining_ms: WINDOW_MS - elapsed,
            }
        } else {
            Window::Closed
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Window::Open { .. })
    }
}

/// "5 h 12 min" style split of what is left: (hours, minutes), minutes rounded up so
/// an open window never reads "0 min".
pub fn hours_minutes(remaining_ms: Millis) -> (i64, i64) {
    let minutes = (remaining_ms.max(0) + 59_999) / 60_000;
    (minutes / 60, minutes % 60)
}

pub const DEFAULT_API_BASE: &str = "https://graph.facebook.com";
pub const DEFAULT_API_VERSION: &str = "v21.0";

/// A WhatsApp inbox's settings as the form shows them: secrets are never sent back,
/// only whether each is set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsAppSettings {
    pub phone_number_id: String,
    pub business_account_id: String,
    pub api_base_url: String,
    pub api_version: String,
    pub has_access_token: bool,
    pub has_app_secret: bool,
    pub has_verify_token: bool,
    /// Where Meta must send this inbox's webhooks (path; the page adds its origin).
    pub webhook_path: String,
    /// When templates were last synced (Unix ms), if ever.
    pub templates_synced_at: Option<Millis>,
}

/// What the form submits. An empty secret keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatsAppSettingsInput {
    pub phone_number_id: String,
    pub business_account_id: String,
    pub api_base_url: String,
    pub api_version: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
}

const SECRET_MAX_CHARS: usize = 1024;

impl WhatsAppSettingsInput {
    /// Normalised input, or the first failed rule as (field, code).
    pub fn checked(&self) -> Result<WhatsAppSettingsInput, (&'static str, &'static str)> {
        let id = |value: &str, field: &'static str| {
            let value = value.trim();
            if value.is_empty() {
                Err((field, "required"))
            } else if value.len() > 64 || !value.chars().all(|c| c.is_ascii_digit()) {
                Err((field, "invalid"))
            } else {
                Ok(value.to_owned())
            }
        };
        let phone_number_id = id(&self.phone_number_id, "phone_number_id")?;
        let business_account_id = id(&self.business_account_id, "business_account_id")?;
        let base = self.api_base_url.trim().trim_end_matches('/');
        let api_base_url = if base.is_empty() {
            DEFAULT_API_BASE.to_owned()
        } else if (base.starts_with("https://") || base.starts_with("http://"))
            && base.len() <= 200
            && !base.contains(char::is_whitespace)
            && !base.contains(['?', '#'])
        {
            base.to_owned()
        } else {
            return Err(("api_base_url", "invalid"));
        };
        let version = self.api_version.trim();
        let api_version = if version.is_empty() {
            DEFAULT_API_VERSION.to_owned()
        } else if version.len() <= 10
            && version.starts_with('v')
            && version[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
            && version.len() > 1
        {
            version.to_owned()
        } else {
            return Err(("api_version", "invalid"));
        };
        let secret = |value: &str, field: &'static str| {
            let value = value.trim();
            if value.chars().count() > SECRET_MAX_CHARS || value.contains(char::is_whitespace) {
                Err((field, "invalid"))
            } else {
                Ok(value.to_owned())
            }
        };
        Ok(WhatsAppSettingsInput {
            phone_number_id,
            business_account_id,
            api_base_url,
            api_version,
            access_token: secret(&self.access_token, "access_token")?,
            app_secret: secret(&self.app_secret, "app_secret")?,
            verify_token: secret(&self.verify_token, "verify_token")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_795_492_582_000;
    const SECOND: Millis = 1000;

    #[test]
    fn window_is_open_until_the_last_second() {
        // 23:59:59 after the customer's message: open, one second left.
        assert_eq!(
            Window::at(Some(NOW - WINDOW_MS + SECOND), NOW),
            Window::Open {
                remaining_ms: SECOND
            }
        );
        // 24:00:00: closed.
        assert_eq!(Window::at(Some(NOW - WINDOW_MS), NOW), Window::Closed);
        assert_eq!(Window::at(Some(NOW - WINDOW_MS - 1), NOW), Window::Closed);
        assert_eq!(
            Window::at(Some(NOW), NOW),
            Window::Open {
                remaining_ms: WINDOW_MS
            }
        );
    }

    #[test]
    fn window_without_any_inbound_message_never_opened() {
        assert_eq!(Window::at(None, NOW), Window::NeverOpened);
        assert!(!Window::at(None, NOW).is_open());
    }

    #[test]
    fn a_timestamp_from_the_future_counts_as_now() {
        // Meta's clock five minutes ahead of ours.
        assert_eq!(
            Window::at(Some(NOW + 5 * 60 * SECOND), NOW),
            Window::Open {
                remaining_ms: WINDOW_MS
            }
        );
        assert!(Window::at(Some(i64::MAX), NOW).is_open());
        assert_eq!(Window::at(Some(i64::MIN), NOW), Window::Closed);
    }

    #[test]
    fn remaining_time_rounds_minutes_up() {
        assert_eq!(hours_minutes(SECOND), (0, 1));
        assert_eq!(hours_minutes(WINDOW_MS), (24, 0));
        assert_eq!(hours_minutes(5 * 3_600_000 + 11 * 60_000 + 1), (5, 12));
    }

    #[test]
    fn settings_are_checked_and_defaulted() {
        let input = WhatsAppSettingsInput {
            phone_number_id: " 1234567890 ".into(),
            business_account_id: "987654321".into(),
            api_base_url: "http://127.0.0.1:9999/".into(),
            api_version: "".into(),
            access_token: "EAAB".into(),
            app_secret: "".into(),
            verify_token: "tok".into(),
        };
        let ok = input.checked().unwrap();
        assert_eq!(ok.phone_number_id, "1234567890");
        assert_eq!(ok.api_base_url, "http://127.0.0.1:9999");
        assert_eq!(ok.api_version, DEFAULT_API_VERSION);
        let bad = |f: fn(&mut WhatsAppSettingsInput)| {
            let mut i = input.clone();
            f(&mut i);
            i.checked().unwrap_err()
        };
        assert_eq!(
            bad(|i| i.phone_number_id = "".into()),
            ("phone_number_id", "required")
        );
        assert_eq!(
            bad(|i| i.business_account_id = "12a".into()),
            ("business_account_id", "invalid")
        );
        assert_eq!(
            bad(|i| i.api_base_url = "ftp://x".into()),
            ("api_base_url", "invalid")
        );
        assert_eq!(
            bad(|i| i.api_version = "21".into()),
            ("api_version", "invalid")
        );
        assert_eq!(
            bad(|i| i.access_token = "a b".into()),
            ("access_token", "invalid")
        );
    }
}
