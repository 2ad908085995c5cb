//! Who uploads and what they send, and how an upload can fail.

use crate::domain::attachment::FileRefusal;
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::storage::StorageError;

/// Who uploads, for which conversation (visitors may not have one yet).
#[derive(Debug, Clone)]
pub struct Uploader {
    pub account_id: i64,
    /// `agent:<id>` or `visitor:<identity id>`: only the owner can send or discard it.
    pub owner: String,
    pub conversation_id: Option<i64>,
    pub channel: ChannelKind,
    /// Pending uploads allowed (`None`: no limit besides each file's own).
    pub pending: Option<PendingLimit>,
}

impl Uploader {
    pub fn agent(
        account_id: i64,
        agent_id: i64,
        conversation_id: i64,
        channel: ChannelKind,
    ) -> Self {
        Uploader {
            account_id,
            owner: format!("agent:{agent_id}"),
            conversation_id: Some(conversation_id),
            channel,
            pending: None,
        }
    }

    /// The header file of a template that opens a conversation not yet stored.
    pub fn agent_new_conversation(account_id: i64, agent_id: i64, channel: ChannelKind) -> Self {
        Uploader {
            account_id,
            owner: format!("agent:{agent_id}"),
            conversation_id: None,
            channel,
            pending: None,
        }
    }

    pub fn visitor(account_id: i64, identity_id: i64, pending: PendingLimit) -> Self {
        Uploader {
            account_id,
            owner: format!("visitor:{identity_id}"),
            conversation_id: None,
            channel: ChannelKind::WebChat,
            pending: Some(pending),
        }
    }
}

/// What the uploader says about the file; only the name is kept (cleaned).
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub file_name: String,
    /// Recorded with "Grabar audio": must be audio, remuxed to OGG when WebM.
    pub voice: bool,
    /// The recorder's own timer; used only where the container cannot tell (MP4/AAC).
    pub client_duration_ms: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("file refused: {0:?}")]
    Refused(FileRefusal),
    #[error("upload interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<FileRefusal> for UploadError {
    fn from(refusal: FileRefusal) -> Self {
        UploadError::Refused(refusal)
    }
}

pub(super) fn storage_failed(err: StorageError) -> UploadError {
    tracing::error!(error = %err, "file storage failed");
    UploadError::App(AppError::Internal)
}

/// What one owner may hold uploaded but not yet sent (visitors of the widget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingLimit {
    pub files: u32,
    pub bytes: u64,
}

impl PendingLimit {
    /// Whether `files` pending files of `bytes` leave room for one more of `incoming`.
    pub fn allows(&self, files: i64, bytes: i64, incoming: u64) -> bool {
        files < i64::from(self.files)
            && (bytes.max(0) as u64).saturating_add(incoming) <= self.bytes
    }
}
