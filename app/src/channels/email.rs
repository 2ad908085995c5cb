//! The email channel: SMTP out (the outbox adapter), IMAP in, and the inbox settings.
pub mod imap;
pub mod inbox;
pub mod smtp;

pub use smtp::EmailAdapter;
