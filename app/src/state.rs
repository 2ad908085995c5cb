//! The server's shared state, provided to handlers and (as context) to server functions.
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

use crate::auth::model::Session;
use crate::db::Db;
use crate::error::AppError;
use crate::live::hub::Hub;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub hub: Hub,
    pub settings: Arc<Settings>,
    /// The WhatsApp Cloud API client (one connection pool for every inbox).
    pub graph: crate::channels::whatsapp::graph::Graph,
    /// Rate and socket limits of the public widget (counted in this process).
    pub widget_guard: Arc<crate::widget::ssr::limits::WidgetGuard>,
    /// Which agents have the app open and in use (availability that follows it).
    pub presence: Arc<crate::live::presence::Presence>,
}

/// Behaviour the application needs from configuration (the server crate parses it).
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_ttl_secs: i64,
    /// Sets `Secure` (and the `__Host-` name) on the session cookie; off only over
    /// plain http on loopback.
    pub secure_cookies: bool,
    /// Sends `Strict-Transport-Security` (the public URL is https).
    pub hsts: bool,
    /// ISO 3166 country for phone numbers typed without an international prefix.
    pub default_country: String,
    /// Where stored files (attachments) live: a directory or an S3 bucket.
    pub files: crate::storage::Files,
    /// File and voice-message limits (S5, S6).
    pub uploads: crate::domain::attachment::UploadLimits,
    /// Seals channel secrets (tokens, passwords) at rest.
    pub secrets: crate::secrets::SecretBox,
    /// Failed sign-ins allowed per email and per address.
    pub sign_in: crate::auth::model::SignInLimits,
    /// Client addresses come from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Where SMTP, IMAP and Graph API connections may go (`channels::outbound`).
    pub outbound: crate::channels::outbound::OutboundPolicy,
    /// Email notifications can be sent (`CHARLA_SMTP_URL` is set).
    pub notify_email: bool,
    /// `CHARLA_PUBLIC_URL` without a trailing slash: the address the API's answers
    /// give files (else the request's own host).
    pub public_url: Option<String>,
    /// Invitation emails to new agents (`None`: no SMTP setting; the link is copied).
    pub invitation_mail: Option<InvitationMail>,
}

/// Where invitation emails go out from (`CHARLA_SMTP_URL`, `CHARLA_MAIL_FROM`) and the
/// address their links start with (`CHARLA_PUBLIC_URL`, else the listening address).
#[derive(Debug, Clone)]
pub struct InvitationMail {
    pub smtp_url: String,
    pub from: String,
    pub base_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_ttl_secs: 30 * 24 * 3600,
            secure_cookies: false,
            hsts: false,
            default_country: "ES".to_owned(),
            files: crate::storage::Files::local(std::env::temp_dir().join("charla-files"))
                .expect("a temporary directory for files"),
            uploads: Default::default(),
            secrets: crate::secrets::SecretBox::from_key(&rand::random()),
            sign_in: Default::default(),
            trust_proxy: false,
            outbound: Default::default(),
            notify_email: false,
            public_url: None,
            invitation_mail: None,
        }
    }
}

/// The state inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// The signed-in agent's session, resolved by the session middleware.
pub fn current_session() -> Result<Session, AppError> {
    let parts =
        leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::Unauthorized)?;
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or(AppError::Unauthorized)
}
