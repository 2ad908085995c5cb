//! A file as storage hands it to the one who records it: already written, with the
//! facts a message's attachment row keeps.

/// A file already written to storage, to be recorded with its message.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub storage_key: String,
    pub duration_ms: Option<i64>,
}
