//! Notifications beyond the tab: Web Push (`CHARLA_VAPID_PRIVATE_KEY`,
//! `CHARLA_VAPID_SUBJECT`) and email through the server's own SMTP setting
//! (`CHARLA_SMTP_URL`, `CHARLA_MAIL_FROM`, `CHARLA_NOTIFY_EMAIL_AFTER_SECONDS`).
use super::{parsed, var, ConfigError};

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// base64url P-256 scalar; `None`: the key made at first start and kept in the database.
    pub vapid_private_key: Option<String>,
    /// `mailto:` or `https:` contact for push services; `None`: the public URL when it
    /// is https, else `mailto:charla@localhost`.
    pub vapid_subject: Option<String>,
    /// lettre's URL form (`smtp://user:pass@host:587?tls=required`); `None`: no email.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// A mention or assignment unseen this long is emailed.
    pub email_after_secs: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            vapid_private_key: None,
            vapid_subject: None,
            smtp_url: None,
            mail_from: "Charla <charla@localhost>".into(),
            email_after_secs: 300,
        }
    }
}

impl NotifyConfig {
    /// Invitation emails need both the SMTP setting and the public address their
    /// links point at: a link to the listening address (often 127.0.0.1) would reach
    /// nobody, so without `CHARLA_PUBLIC_URL` invitations are only copied from Ajustes.
    pub fn invitation_mail(&self, public_url: Option<&str>) -> Option<app::state::InvitationMail> {
        let url = self.smtp_url.clone()?;
        let Some(base_url) = public_url else {
            tracing::warn!(
                "CHARLA_SMTP_URL without CHARLA_PUBLIC_URL: invitation links are not emailed"
            );
            return None;
        };
        Some(app::state::InvitationMail {
            smtp_url: url,
            from: self.mail_from.clone(),
            base_url: base_url.to_owned(),
        })
    }

    pub fn subject(&self, public_url: Option<&str>) -> String {
        self.vapid_subject.clone().unwrap_or_else(|| {
            public_url
                .filter(|u| u.starts_with("https://"))
                .map_or_else(|| "mailto:charla@localhost".to_owned(), str::to_owned)
        })
    }

    /// How the email worker runs (`public_url`: where links point).
    pub fn email(&self, public_url: String) -> app::notifications::ssr::email::EmailNotices {
        use std::time::Duration;
        let after = Duration::from_secs(self.email_after_secs);
        app::notifications::ssr::email::EmailNotices {
            mail: self
                .smtp_url
                .clone()
                .map(|url| app::notifications::ssr::email::SystemMail {
                    url,
                    from: self.mail_from.clone(),
                }),
            public_url,
            after,
            // Looks a few times per delay, at most every 30 s.
            every: (after / 4).clamp(Duration::from_millis(250), Duration::from_secs(30)),
        }
    }
}

pub(super) fn notify() -> Result<NotifyConfig, ConfigError> {
    let d = NotifyConfig::default();
    let config = NotifyConfig {
        vapid_private_key: var("CHARLA_VAPID_PRIVATE_KEY"),
        vapid_subject: var("CHARLA_VAPID_SUBJECT"),
        smtp_url: var("CHARLA_SMTP_URL"),
        mail_from: var("CHARLA_MAIL_FROM").unwrap_or(d.mail_from),
        email_after_secs: parsed("CHARLA_NOTIFY_EMAIL_AFTER_SECONDS", d.email_after_secs)?,
    };
    if let Some(key) = &config.vapid_private_key {
        app::notifications::ssr::vapid::Vapid::from_private(key, "mailto:x@y").map_err(|e| {
            ConfigError {
                name: "CHARLA_VAPID_PRIVATE_KEY",
                reason: e.to_string(),
            }
        })?;
    }
    if let Some(subject) = &config.vapid_subject {
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            return Err(ConfigError {
                name: "CHARLA_VAPID_SUBJECT",
                reason: "must be a mailto: or https: URL".into(),
            });
        }
    }
    if config.smtp_url.is_some() {
        let mail = app::notifications::ssr::email::SystemMail {
            url: config.smtp_url.clone().unwrap_or_default(),
            from: config.mail_from.clone(),
        };
        app::notifications::ssr::email::transport(&mail).map_err(|reason| ConfigError {
            name: "CHARLA_SMTP_URL",
            reason,
        })?;
    }
    Ok(config)
}
