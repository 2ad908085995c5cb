//! Configuration from environment variables, each with a default (see README).
use std::net::SocketAddr;
use std::path::PathBuf;

mod notify;
mod presence;
mod widget;
pub use notify::NotifyConfig;

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_max_connections: u32,
    pub seed_demo: bool,
    pub session_ttl_hours: i64,
    pub event_retention_days: i64,
    pub public_url: Option<String>,
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub default_country: String,
    pub files_dir: PathBuf,
    /// Base64 key that seals channel secrets; `None`: the key file.
    pub secret_key: Option<String>,
    /// Where the key file lives (`None`: `secret.key` in the data directory). Kept apart
    /// from the database, a stolen backup of one is useless without the other.
    pub secret_key_file: Option<PathBuf>,
    /// How often WhatsApp templates are synced from Meta (0: only by the button).
    pub template_sync_minutes: u64,
    /// Files in an S3-compatible bucket instead of `files_dir` (when a bucket is set).
    pub s3: Option<app::storage::S3Settings>,
    pub uploads: app::domain::attachment::UploadLimits,
    /// A customer's mail larger than this is not downloaded (recorded as refused).
    pub email_max_bytes: u64,
    pub sign_in: app::auth::model::SignInLimits,
    /// How many Argon2 hashes run at once, how long and how many wait their turn.
    pub hashing: app::secrets::hashing::HashingLimits,
    /// Behind a reverse proxy: client addresses from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `CHARLA_SECURE_COOKIES`: `None` decides from the public URL (see `secure_cookies`).
    pub secure_cookies: Option<bool>,
    /// Live events committed within this many milliseconds reach a socket in one write.
    pub live_batch_ms: u64,
    /// Where SMTP, IMAP and Graph API connections may go: private addresses, other
    /// Graph hosts (`CHARLA_OUTBOUND_ALLOW_PRIVATE`, `CHARLA_GRAPH_ALLOW_HOSTS`).
    pub outbound: app::channels::outbound::OutboundPolicy,
    /// What the public widget lets one address, inbox and visitor do.
    pub widget: app::widget::ssr::limits::WidgetLimits,
    /// Availability that follows the open app (`config/presence.rs`).
    pub presence: app::live::presence::PresenceRules,
    /// How often waiting conversations are offered again (0: only when someone comes online).
    pub assign_waiting_secs: u64,
    /// `CHARLA_WIDGET_EMAIL_AFTER_SECONDS`: how long a website visitor's unread reply
    /// waits before it is mailed to her.
    pub widget_email_after_secs: u64,
    /// Web Push and email notifications (`config/notify.rs`).
    pub notify: NotifyConfig,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid value for {name}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        Some(raw) => raw.trim().parse().map_err(|e: T::Err| ConfigError {
            name,
            reason: e.to_string(),
        }),
        None => Ok(default),
    }
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(ConfigError {
            name,
            reason: format!("{v:?} is not a boolean"),
        }),
    }
}

fn default_country() -> Result<String, ConfigError> {
    let country = var("CHARLA_DEFAULT_COUNTRY").unwrap_or_else(|| "ES".into());
    if country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(country.to_ascii_uppercase())
    } else {
        Err(ConfigError {
            name: "CHARLA_DEFAULT_COUNTRY",
            reason: format!("{country:?} is not a two-letter ISO 3166 country code"),
        })
    }
}

fn upload_limits() -> Result<app::domain::attachment::UploadLimits, ConfigError> {
    let defaults = app::domain::attachment::UploadLimits::default();
    let max_mb: u64 = parsed("CHARLA_UPLOAD_MAX_MB", defaults.max_bytes / (1024 * 1024))?;
    let voice: u32 = parsed("CHARLA_VOICE_MAX_SECONDS", defaults.voice_max_seconds)?;
    if max_mb == 0 || voice == 0 {
        return Err(ConfigError {
            name: if max_mb == 0 {
                "CHARLA_UPLOAD_MAX_MB"
            } else {
                "CHARLA_VOICE_MAX_SECONDS"
            },
            reason: "must be at least 1".into(),
        });
    }
    Ok(app::domain::attachment::UploadLimits {
        max_bytes: max_mb * 1024 * 1024,
        voice_max_seconds: voice,
    })
}

fn email_max_bytes() -> Result<u64, ConfigError> {
    let default_mb = app::channels::email::DEFAULT_MAX_MAIL_BYTES / (1024 * 1024);
    let mb: u64 = parsed("CHARLA_EMAIL_MAX_MB", default_mb)?;
    if mb == 0 || mb > 4095 {
        return Err(ConfigError {
            name: "CHARLA_EMAIL_MAX_MB",
            reason: "must be from 1 to 4095 (IMAP sizes are 32-bit)".into(),
        });
    }
    Ok(mb * 1024 * 1024)
}

fn sign_in_limits() -> Result<app::auth::model::SignInLimits, ConfigError> {
    let defaults = app::auth::model::SignInLimits::default();
    let limits = app::auth::model::SignInLimits {
        per_account: parsed("CHARLA_SIGN_IN_MAX_FAILURES", defaults.per_account)?,
        per_address: parsed(
            "CHARLA_SIGN_IN_MAX_FAILURES_PER_ADDRESS",
            defaults.per_address,
        )?,
        window_secs: parsed::<i64>("CHARLA_SIGN_IN_WINDOW_MINUTES", defaults.window_secs / 60)?
            * 60,
    };
    for (name, ok) in [
        ("CHARLA_SIGN_IN_MAX_FAILURES", limits.per_account > 0),
        (
            "CHARLA_SIGN_IN_MAX_FAILURES_PER_ADDRESS",
            limits.per_address > 0,
        ),
        ("CHARLA_SIGN_IN_WINDOW_MINUTES", limits.window_secs > 0),
    ] {
        if !ok {
            return Err(ConfigError {
                name,
                reason: "must be at least 1".into(),
            });
        }
    }
    Ok(limits)
}

fn hashing_limits() -> Result<app::secrets::hashing::HashingLimits, ConfigError> {
    let defaults = app::secrets::hashing::HashingLimits::default();
    let limits = app::secrets::hashing::HashingLimits {
        concurrency: parsed("CHARLA_PASSWORD_HASHING_CONCURRENCY", defaults.concurrency)?,
        wait: std::time::Duration::from_secs(parsed(
            "CHARLA_PASSWORD_HASHING_WAIT_SECS",
            defaults.wait.as_secs(),
        )?),
        queue: parsed("CHARLA_PASSWORD_HASHING_QUEUE", defaults.queue)?,
    };
    if limits.concurrency == 0 {
        return Err(ConfigError {
            name: "CHARLA_PASSWORD_HASHING_CONCURRENCY",
            reason: "must be at least 1".into(),
        });
    }
    Ok(limits)
}

/// `CHARLA_OUTBOUND_ALLOW_PRIVATE`, `CHARLA_GRAPH_ALLOW_HOSTS`.
fn outbound_policy() -> Result<app::channels::outbound::OutboundPolicy, ConfigError> {
    Ok(app::channels::outbound::OutboundPolicy {
        allow_private: flag("CHARLA_OUTBOUND_ALLOW_PRIVATE", false)?,
        graph_hosts: var("CHARLA_GRAPH_ALLOW_HOSTS")
            .map(|hosts| {
                hosts
                    .split(',')
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    })
}

impl Config {
    /// Where files are stored: the S3 bucket when one is configured, else `files_dir`.
    pub fn files(&self) -> anyhow::Result<app::storage::Files> {
        Ok(match &self.s3 {
            Some(s3) => app::storage::Files::s3(s3)?,
            None => app::storage::Files::local(&self.files_dir)?,
        })
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(var("CHARLA_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("charla.db").display())
        });
        let is_sqlite = database_url.starts_with("sqlite:");
        let config = Config {
            db_max_connections: parsed(
                "CHARLA_DB_MAX_CONNECTIONS",
                if is_sqlite { 8 } else { 16 },
            )?,
            seed_demo: flag("CHARLA_SEED_DEMO", false)?,
            session_ttl_hours: parsed("CHARLA_SESSION_TTL_HOURS", 720)?,
            event_retention_days: parsed("CHARLA_EVENT_RETENTION_DAYS", 7)?,
            public_url: var("CHARLA_PUBLIC_URL"),
            site_addr: parsed("LEPTOS_SITE_ADDR", SocketAddr::from(([127, 0, 0, 1], 3000)))?,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            default_country: default_country()?,
            files_dir: var("CHARLA_FILES_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("files")),
            secret_key: var("CHARLA_SECRET_KEY"),
            secret_key_file: var("CHARLA_SECRET_KEY_FILE").map(PathBuf::from),
            template_sync_minutes: parsed("CHARLA_TEMPLATE_SYNC_MINUTES", 60)?,
            s3: var("CHARLA_S3_BUCKET").map(|bucket| app::storage::S3Settings {
                bucket,
                endpoint: var("CHARLA_S3_ENDPOINT").unwrap_or_default(),
                region: var("CHARLA_S3_REGION").unwrap_or_default(),
                access_key_id: var("CHARLA_S3_ACCESS_KEY_ID").unwrap_or_default(),
                secret_access_key: var("CHARLA_S3_SECRET_ACCESS_KEY").unwrap_or_default(),
            }),
            uploads: upload_limits()?,
            email_max_bytes: email_max_bytes()?,
            sign_in: sign_in_limits()?,
            hashing: hashing_limits()?,
            trust_proxy: flag("CHARLA_TRUST_PROXY", false)?,
            secure_cookies: match var("CHARLA_SECURE_COOKIES") {
                Some(_) => Some(flag("CHARLA_SECURE_COOKIES", true)?),
                None => None,
            },
            outbound: outbound_policy()?,
            live_batch_ms: parsed(
                "CHARLA_LIVE_BATCH_MS",
                app::live::hub::DEFAULT_BATCH_INTERVAL.as_millis() as u64,
            )?,
            widget: widget::limits()?,
            presence: presence::rules()?,
            assign_waiting_secs: parsed("CHARLA_ASSIGN_WAITING_SECONDS", 5)?,
            widget_email_after_secs: parsed("CHARLA_WIDGET_EMAIL_AFTER_SECONDS", 120)?,
            notify: notify::notify()?,
            data_dir,
            database_url,
        };
        demo_allowed(config.seed_demo, config.public_url.as_deref())?;
        Ok(config)
    }

    /// The address people open in a browser.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }

    /// The key that seals channel secrets: `CHARLA_SECRET_KEY`, else the file
    /// `CHARLA_SECRET_KEY_FILE`, else `secret.key` in the data directory (created on
    /// first start).
    pub fn secrets(&self) -> anyhow::Result<app::secrets::SecretBox> {
        Ok(match &self.secret_key {
            Some(key) => app::secrets::SecretBox::from_base64(key)?,
            None => app::secrets::SecretBox::from_file(
                &self
                    .secret_key_file
                    .clone()
                    .unwrap_or_else(|| self.data_dir.join("secret.key")),
            )?,
        })
    }

    /// `Secure` session cookies (named `__Host-charla_session`): always, except where
    /// Charla is reached over plain http on this machine (loopback), or where
    /// `CHARLA_SECURE_COOKIES` says otherwise.
    pub fn secure_cookies(&self) -> bool {
        if let Some(forced) = self.secure_cookies {
            return forced;
        }
        match self.public_url.as_deref() {
            Some(url) => !is_plain_http_loopback(url),
            None => !self.site_addr.ip().is_loopback(),
        }
    }

    /// `Strict-Transport-Security` only where the public URL is https (a browser told
    /// so over plain http ignores it; over https it pins the host to https).
    pub fn hsts(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    }
}

/// `http://localhost…`, `http://127.x.x.x…`, `http://[::1]…`.
fn is_plain_http_loopback(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Demo data carries a published password: never on a public (https) deployment.
fn demo_allowed(seed_demo: bool, public_url: Option<&str>) -> Result<(), ConfigError> {
    if seed_demo
        && public_url.is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    {
        return Err(ConfigError {
            name: "CHARLA_SEED_DEMO",
            reason: "demo data (with its published password) is refused where CHARLA_PUBLIC_URL is https"
                .into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
