//! The email channel: SMTP out (the outbox adapter), IMAP in (the poller), parsing,
//! and the inbox settings.
pub mod attachments;
pub mod imap;
pub mod inbox;
pub mod parse;
pub mod poller;
pub mod smtp;

pub use smtp::EmailAdapter;

use crate::db::Db;
use crate::domain::attachment::UploadLimits;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;
use crate::storage::Files;

/// The largest customer's mail taken in by default (`CHARLA_EMAIL_MAX_MB`).
pub const DEFAULT_MAX_MAIL_BYTES: u64 = 50 * 1024 * 1024;

/// What the inbound side needs.
#[derive(Clone)]
pub struct Email {
    pub db: Db,
    pub hub: Hub,
    pub secrets: SecretBox,
    pub files: Files,
    /// Where IMAP connections may go (`channels::outbound`).
    pub outbound: crate::channels::outbound::OutboundPolicy,
    /// A mail larger than this (its `RFC822.SIZE`) is not downloaded: it is recorded as
    /// refused, with its headers only.
    pub max_mail_bytes: u64,
    /// The limits of uploaded files, applied to each attachment (channel Email).
    pub uploads: UploadLimits,
}
