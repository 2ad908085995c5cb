//! An email inbox's configuration: servers and sender in `inboxes.settings` (under
//! `email`), the SMTP and IMAP passwords sealed together in `inboxes.secrets`.
use crate::channels::outbound::OutboundPolicy;
use crate::db::inbox_settings::{self, Settings, StoredInbox};
use crate::db::Db;
use crate::domain::email_inbox::{
    EmailSettings, EmailSettingsInput, ServerSettings, DEFAULT_POLL_SECS,
};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::secrets::SecretBox;

#[derive(Clone)]
pub struct EmailInbox {
    pub id: i64,
    pub account_id: i64,
    pub from_name: String,
    pub from_address: String,
    pub smtp: ServerSettings,
    pub smtp_password: String,
    pub imap: ServerSettings,
    pub imap_password: String,
    pub imap_mailbox: String,
    pub poll_interval_secs: u32,
    /// Random per inbox, part of every Message-ID so two installations never collide.
    pub id_salt: String,
}

impl std::fmt::Debug for EmailInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailInbox")
            .field("id", &self.id)
            .field("from_address", &self.from_address)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Secrets {
    #[serde(default)]
    smtp_password: String,
    #[serde(default)]
    imap_password: String,
}

/// The non-secret part, as stored under `settings.email`.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Stored {
    #[serde(default)]
    from_name: String,
    #[serde(default)]
    from_address: String,
    #[serde(default)]
    smtp: ServerSettings,
    #[serde(default)]
    imap: ServerSettings,
    #[serde(default)]
    imap_mailbox: String,
    #[serde(default)]
    poll_interval_secs: u32,
    #[serde(default)]
    id_salt: String,
}

fn stored_of(settings: &Settings) -> Stored {
    settings
        .get("email")
        .cloned()
        .and_then(|email| serde_json::from_value(email).ok())
        .unwrap_or_default()
}

fn secrets_of(secrets: &SecretBox, sealed: Option<&str>) -> Secrets {
    sealed
        .and_then(|s| secrets.open(s))
        .and_then(|plain| serde_json::from_str(&plain).ok())
        .unwrap_or_default()
}

fn mailbox_or_default(mailbox: String) -> String {
    if mailbox.is_empty() {
        "INBOX".into()
    } else {
        mailbox
    }
}

fn poll_or_default(secs: u32) -> u32 {
    if secs == 0 {
        DEFAULT_POLL_SECS
    } else {
        secs
    }
}

/// The inbox's configuration; `None` when it is not an email inbox.
pub async fn load(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
) -> Result<Option<EmailInbox>, sqlx::Error> {
    let Some(row) = inbox_settings::read(db, inbox_id, ChannelKind::Email, None).await? else {
        return Ok(None);
    };
    let stored = stored_of(&row.settings);
    let secret = secrets_of(secrets, row.sealed.as_deref());
    Ok(Some(EmailInbox {
        id: row.id,
        account_id: row.account_id,
        from_name: stored.from_name,
        from_address: stored.from_address,
        smtp: stored.smtp,
        smtp_password: secret.smtp_password,
        imap: stored.imap,
        imap_password: secret.imap_password,
        imap_mailbox: mailbox_or_default(stored.imap_mailbox),
        poll_interval_secs: poll_or_default(stored.poll_interval_secs),
        id_salt: stored.id_salt,
    }))
}

impl EmailInbox {
    pub fn can_send(&self) -> bool {
        !self.smtp.host.is_empty() && !self.from_address.is_empty()
    }

    pub fn can_receive(&self) -> bool {
        !self.imap.host.is_empty() && !self.imap.user.is_empty()
    }
}

/// Every email inbox (for the pollers).
pub async fn all_ids(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    inbox_settings::ids_of(db, ChannelKind::Email).await
}

/// The settings form's view: passwords only as "set" or "not set".
pub fn settings_view(row: &StoredInbox, secrets: &SecretBox) -> EmailSettings {
    let stored = stored_of(&row.settings);
    let secret = secrets_of(secrets, row.sealed.as_deref());
    EmailSettings {
        from_name: stored.from_name,
        from_address: stored.from_address,
        smtp: stored.smtp,
        has_smtp_password: !secret.smtp_password.is_empty(),
        imap: stored.imap,
        has_imap_password: !secret.imap_password.is_empty(),
        imap_mailbox: mailbox_or_default(stored.imap_mailbox),
        poll_interval_secs: poll_or_default(stored.poll_interval_secs),
    }
}

/// The form, checked: a host typed as a local or private address is refused unless
/// `outbound` allows those (names are checked when they are resolved, at connect time).
pub fn checked(
    input: &EmailSettingsInput,
    outbound: &OutboundPolicy,
) -> Result<EmailSettingsInput, AppError> {
    let input = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    for (field, server) in [("smtp.host", &input.smtp), ("imap.host", &input.imap)] {
        if !outbound.host_allowed(&server.host) {
            return Err(AppError::validation(field, "address_not_allowed"));
        }
    }
    Ok(input)
}

/// A checked form applied to what is stored: the new settings and sealed secrets. An
/// empty password keeps the one stored.
pub fn apply(
    row: &StoredInbox,
    secrets: &SecretBox,
    input: EmailSettingsInput,
) -> (Settings, String) {
    let mut json = row.settings.clone();
    let before = stored_of(&row.settings);
    // A password goes to whatever server is set: pointed at another host, port or user,
    // the stored one is forgotten, and only a password typed with the change is kept.
    let moved = |old: &ServerSettings, new: &ServerSettings| {
        old.host != new.host || old.port != new.port || old.user != new.user
    };
    let (smtp_moved, imap_moved) = (
        moved(&before.smtp, &input.smtp),
        moved(&before.imap, &input.imap),
    );
    let id_salt = Some(before.id_salt)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            let bytes: [u8; 16] = rand::random();
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        });
    json.insert(
        "email".into(),
        serde_json::to_value(Stored {
            from_name: input.from_name,
            from_address: input.from_address,
            smtp: input.smtp,
            imap: input.imap,
            imap_mailbox: input.imap_mailbox,
            poll_interval_secs: input.poll_interval_secs,
            id_salt,
        })
        .unwrap_or_default(),
    );
    let mut secret = secrets_of(secrets, row.sealed.as_deref());
    if smtp_moved {
        secret.smtp_password.clear();
    }
    if imap_moved {
        secret.imap_password.clear();
    }
    if !input.smtp_password.is_empty() {
        secret.smtp_password = input.smtp_password;
    }
    if !input.imap_password.is_empty() {
        secret.imap_password = input.imap_password;
    }
    let sealed = secrets.seal(&serde_json::to_string(&secret).unwrap_or_default());
    (json, sealed)
}
