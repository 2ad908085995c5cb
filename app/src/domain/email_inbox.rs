//! An email inbox's settings (SMTP out, IMAP in) as administrators edit them, with the
//! rules shared by the form and the server. Passwords are write-only.
use serde::{Deserialize, Serialize};

use super::EmailAddress;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain text (loopback and test servers only, in practice).
    None,
    /// Plain connection upgraded with STARTTLS (SMTP 587, IMAP 143).
    #[default]
    StartTls,
    /// TLS from the first byte (SMTP 465, IMAP 993).
    Tls,
}

impl Security {
    pub const ALL: [Security; 3] = [Security::None, Security::StartTls, Security::Tls];

    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::StartTls => "starttls",
            Security::Tls => "tls",
        }
    }

    pub fn parse(text: &str) -> Option<Security> {
        Security::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One server: where and how to log in (the password is never part of a view).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
}

/// What the form shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettings {
    pub from_name: String,
    pub from_address: String,
    pub smtp: ServerSettings,
    pub has_smtp_password: bool,
    pub imap: ServerSettings,
    pub has_imap_password: bool,
    pub imap_mailbox: String,
    pub poll_interval_secs: u32,
}

/// What the form submits. An empty password keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSettingsInput {
    pub from_name: String,
    pub from_address: String,
    pub smtp: ServerSettings,
    pub smtp_password: String,
    pub imap: ServerSettings,
    pub imap_password: String,
    pub imap_mailbox: String,
    pub poll_interval_secs: u32,
}

pub const POLL_MIN_SECS: u32 = 10;
pub const POLL_MAX_SECS: u32 = 3600;
pub const DEFAULT_POLL_SECS: u32 = 60;

fn host_ok(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '[' | ']'))
}

fn checked_server(
    server: &ServerSettings,
    prefix: &'static str,
) -> Result<ServerSettings, (&'static str, &'static str)> {
    let field = |name: &'static str| -> &'static str {
        match (prefix, name) {
            ("smtp", "host") => "smtp.host",
            ("smtp", "port") => "smtp.port",
            ("smtp", _) => "smtp.user",
            (_, "host") => "imap.host",
            (_, "port") => "imap.port",
            _ => "imap.user",
        }
    };
    let host = server.host.trim().to_ascii_lowercase();
    if host.is_empty() {
        return Err((field("host"), "required"));
    }
    if !host_ok(&host) {
        return Err((field("host"), "invalid"));
    }
    if server.port == 0 {
        return Err((field("port"), "invalid"));
    }
    let user = server.user.trim().to_owned();
    if user.chars().count() > 254 || user.contains(['\r', '\n']) {
        return Err((field("user"), "invalid"));
    }
    Ok(ServerSettings {
        host,
        port: server.port,
        security: server.security,
        user,
    })
}

impl EmailSettingsInput {
    /// Normalised input, or the first failed rule as (field, code).
    pub fn checked(&self) -> Result<EmailSettingsInput, (&'static str, &'static str)> {
        let from_address = EmailAddress::parse(&self.from_address)
            .map_err(|e| ("from_address", e.code()))?
            .as_str()
            .to_owned();
        let from_name = self.from_name.trim().to_owned();
        if from_name.chars().count() > 120 || from_name.contains(['\r', '\n', '"', '<', '>']) {
            return Err(("from_name", "invalid"));
        }
        let mailbox = self.imap_mailbox.trim();
        let imap_mailbox = if mailbox.is_empty() { "INBOX" } else { mailbox }.to_owned();
        if imap_mailbox.chars().count() > 200 || imap_mailbox.contains(['\r', '\n', '"']) {
            return Err(("imap_mailbox", "invalid"));
        }
        let poll_interval_secs = match self.poll_interval_secs {
            0 => DEFAULT_POLL_SECS,
            n if (POLL_MIN_SECS..=POLL_MAX_SECS).contains(&n) => n,
            _ => return Err(("poll_interval_secs", "invalid")),
        };
        let password = |value: &str, field: &'static str| {
            if value.chars().count() > 1024 || value.contains(['\r', '\n']) {
                Err((field, "invalid"))
            } else {
                Ok(value.to_owned())
            }
        };
        Ok(EmailSettingsInput {
            from_name,
            from_address,
            smtp: checked_server(&self.smtp, "smtp")?,
            smtp_password: password(&self.smtp_password, "smtp_password")?,
            imap: checked_server(&self.imap, "imap")?,
            imap_password: password(&self.imap_password, "imap_password")?,
            imap_mailbox,
            poll_interval_secs,
        })
    }
}

/// The subject of a reply: "Re: " once, never "Re: Re: ".
pub fn reply_subject(subject: &str) -> String {
    let trimmed = subject.trim();
    let lower = trimmed.to_lowercase();
    if ["re:", "aw:", "sv:", "rv:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        trimmed.to_owned()
    } else if trimmed.is_empty() {
        "Re:".to_owned()
    } else {
        format!("Re: {trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EmailSettingsInput {
        EmailSettingsInput {
            from_name: "Soporte Tienda Sol".into(),
            from_address: " Soporte@Tienda.example ".into(),
            smtp: ServerSettings {
                host: "SMTP.tienda.example".into(),
                port: 587,
                security: Security::StartTls,
                user: "soporte".into(),
            },
            smtp_password: "x".into(),
            imap: ServerSettings {
                host: "imap.tienda.example".into(),
                port: 993,
                security: Security::Tls,
                user: "soporte".into(),
            },
            imap_password: String::new(),
            imap_mailbox: String::new(),
            poll_interval_secs: 0,
        }
    }

    #[test]
    fn settings_are_normalised_and_checked() {
        let ok = input().checked().unwrap();
        assert_eq!(ok.smtp.host, "smtp.tienda.example");
        assert_eq!(ok.imap_mailbox, "INBOX");
        assert_eq!(ok.poll_interval_secs, DEFAULT_POLL_SECS);
        let bad = |f: fn(&mut EmailSettingsInput)| {
            let mut i = input();
            f(&mut i);
            i.checked().unwrap_err()
        };
        assert_eq!(bad(|i| i.from_address = "no".into()).0, "from_address");
        assert_eq!(bad(|i| i.smtp.host = "".into()), ("smtp.host", "required"));
        assert_eq!(
            bad(|i| i.imap.host = "a b".into()),
            ("imap.host", "invalid")
        );
        assert_eq!(bad(|i| i.smtp.port = 0), ("smtp.port", "invalid"));
        assert_eq!(
            bad(|i| i.poll_interval_secs = 5),
            ("poll_interval_secs", "invalid")
        );
        assert_eq!(
            bad(|i| i.from_name = "a\r\nBcc: x".into()),
            ("from_name", "invalid")
        );
        assert_eq!(Security::parse("tls"), Some(Security::Tls));
    }

    #[test]
    fn reply_subjects_get_one_prefix() {
        assert_eq!(reply_subject("Pedido 17"), "Re: Pedido 17");
        assert_eq!(reply_subject("RE: Pedido 17"), "RE: Pedido 17");
        assert_eq!(reply_subject(""), "Re:");
    }
}
