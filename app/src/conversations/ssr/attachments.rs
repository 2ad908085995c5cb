//! Finding a stored file for whoever asks to download it: an agent who can see its
//! conversation, or the visitor whose conversation it is (never a private note's).
//! Anyone else gets "not found", so ids cannot be probed.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::access::{visible_conversation, Viewer};
use crate::db::Db;
use crate::error::AppError;

/// What serving an attachment needs of its row.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub storage_key: String,
    pub content_type: String,
    pub file_name: String,
}

impl StoredFile {
    fn of(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(StoredFile {
            storage_key: row.try_get("storage_key")?,
            content_type: row.try_get("content_type")?,
            file_name: row.try_get("file_name")?,
        })
    }
}

/// An attachment of a message in a conversation the viewer may see.
pub async fn for_agent(db: &Db, viewer: Viewer, id: i64) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT a.file_name, a.content_type, a.storage_key, m.conversation_id FROM attachments a \
         JOIN messages m ON m.id = a.message_id WHERE a.id = $1 AND a.account_id = $2",
    )
    .bind(id)
    .bind(viewer.account_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    // Someone who cannot see the conversation learns nothing, not even that it exists.
    visible_conversation(db, viewer, row.try_get("conversation_id")?).await?;
    Ok(StoredFile::of(&row)?)
}

/// An attachment the visitor (her contact identity) may see: of a message in her own
/// conversation, neither a private note nor an activity line.
pub async fn for_visitor(db: &Db, identity_id: i64, id: i64) -> Result<StoredFile, AppError> {
    let row = sqlx::query(
        "SELECT a.file_name, a.content_type, a.storage_key FROM attachments a \
         JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id \
         WHERE a.id = $1 AND m.private = 0 AND m.direction <> 'activity' AND c.contact_identity_id = $2",
    )
    .bind(id)
    .bind(identity_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(StoredFile::of(&row)?)
}
