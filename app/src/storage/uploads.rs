//! Uploads from a composer (agents) or the widget (visitors): the bytes are checked
//! as they stream in (type from content, size for the conversation's channel), stored,
//! and recorded as a file without a message; sending the message claims it in the
//! message's own transaction. A refused or interrupted upload leaves nothing behind.
mod pending;
mod request;
mod stream;
mod voice;

pub use pending::{discard, sweep_abandoned, take_in_tx, ABANDONED_AFTER_MS};
pub use request::{PendingLimit, UploadError, UploadRequest, Uploader};
pub use stream::store_upload;
