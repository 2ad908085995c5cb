//! The email channel: SMTP out (the outbox adapter), IMAP in (the poller), parsing,
//! and the inbox settings.
pub mod imap;
pub mod inbox;
pub mod parse;
pub mod poller;
pub mod smtp;

pub use smtp::EmailAdapter;

use crate::db::Db;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;
use crate::storage::Files;

/// What the inbound side needs.
#[derive(Clone)]
pub struct Email {
    pub db: Db,
    pub hub: Hub,
    pub secrets: SecretBox,
    pub files: Files,
}
