//! Uploads not yet sent: what one owner may hold, and their rows' life — claimed by
//! a message, discarded from the composer, or swept when abandoned.
use sqlx::Row;

use super::request::{PendingLimit, UploadError, Uploader};
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::attachment::{FileRefusal, UploadedFile, MAX_FILES};
use crate::error::AppError;
use crate::storage::{Files, NewAttachment};

/// Uploads never sent are removed after this long.
pub const ABANDONED_AFTER_MS: i64 = 24 * 3600 * 1000;

/// The files `owner` holds uploaded but not sent (`files`) and their bytes (`bytes`).
pub(super) const PENDING_OF: &str =
    "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(byte_size), 0) AS BIGINT) AS bytes \
     FROM attachments WHERE uploaded_by = $1 AND message_id IS NULL";

/// How many files `owner` holds uploaded but not sent, and their bytes.
pub(super) async fn pending_of(db: &Db, owner: &str) -> Result<(i64, i64), UploadError> {
    let row = sqlx::query(PENDING_OF)
        .bind(owner)
        .fetch_one(&db.pool)
        .await
        .map_err(AppError::from)?;
    Ok((
        row.try_get("files").map_err(AppError::from)?,
        row.try_get("bytes").map_err(AppError::from)?,
    ))
}

pub(super) fn pending_full(limit: PendingLimit) -> FileRefusal {
    FileRefusal::PendingFull {
        max_files: limit.files,
        max_bytes: limit.bytes,
    }
}

/// Moves the owner's pending uploads onto a message being stored in `tx`: their rows
/// are replaced by the message's own (same stored files). Any id that is not theirs,
/// not for this conversation, or already sent fails the whole message.
pub async fn take_in_tx(
    tx: &mut WriteTx,
    owner: &str,
    conversation_id: Option<i64>,
    ids: &[i64],
) -> Result<Vec<NewAttachment>, AppError> {
    if ids.len() > MAX_FILES {
        return Err(AppError::validation("attachments", "too_many"));
    }
    let mut taken = Vec::with_capacity(ids.len());
    for (n, id) in ids.iter().enumerate() {
        if ids[..n].contains(id) {
            continue;
        }
        let row = sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND message_id IS NULL AND uploaded_by = $2 \
             AND (pending_conversation_id = $3 OR ($3 IS NULL AND pending_conversation_id IS NULL)) \
             RETURNING file_name, content_type, byte_size, storage_key, duration_ms",
        )
        .bind(id)
        .bind(owner)
        .bind(conversation_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| AppError::validation("attachments", "invalid"))?;
        taken.push(NewAttachment {
            file_name: row.try_get("file_name")?,
            content_type: row.try_get("content_type")?,
            byte_size: row.try_get("byte_size")?,
            storage_key: row.try_get("storage_key")?,
            duration_ms: row.try_get("duration_ms")?,
        });
    }
    Ok(taken)
}

/// Removed from the composer before sending: the row goes now, the file right after.
pub async fn discard(db: &Db, owner: &str, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let key: Option<String> = sqlx::query_scalar(
        "DELETE FROM attachments WHERE id = $1 AND message_id IS NULL AND uploaded_by = $2 RETURNING storage_key",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(tx.conn())
    .await?;
    let Some(key) = key else {
        return Err(AppError::NotFound);
    };
    queue_deletion(tx.conn(), &key).await?;
    tx.finish().await?;
    Ok(())
}

/// Uploads nobody sent within [`ABANDONED_AFTER_MS`]: rows removed, files queued.
pub async fn sweep_abandoned(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    // Through the write lock: on SQLite a plain transaction that reads, then writes,
    // could collide with a message being stored.
    let mut tx = db.begin_write().await?;
    let cutoff = now - ABANDONED_AFTER_MS;
    sqlx::query(
        "INSERT INTO file_deletions (storage_key, attempts, next_attempt_at, created_at) \
         SELECT storage_key, 0, $1, $1 FROM attachments WHERE message_id IS NULL AND created_at < $2",
    )
    .bind(now_ms())
    .bind(cutoff)
    .execute(tx.conn())
    .await?;
    let removed =
        sqlx::query("DELETE FROM attachments WHERE message_id IS NULL AND created_at < $1")
            .bind(cutoff)
            .execute(tx.conn())
            .await?
            .rows_affected();
    tx.finish().await?;
    Ok(removed)
}

async fn queue_deletion(conn: &mut sqlx::AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO file_deletions (storage_key, attempts, next_attempt_at, created_at) VALUES ($1, 0, $2, $2)",
    )
    .bind(key)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The pending row; if it cannot be written, the stored file goes too.
pub(super) async fn record(
    db: &Db,
    files: &Files,
    uploader: &Uploader,
    file: NewAttachment,
) -> Result<UploadedFile, UploadError> {
    let inserted = async {
        let mut tx = db.begin_write().await?;
        if let Some(limit) = uploader.pending {
            // Again inside the write: two uploads at once cannot both take the last room.
            if tx.backend == crate::db::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(format!("pending:{}", uploader.owner))
                    .execute(tx.conn())
                    .await?;
            }
            let row = sqlx::query(
                PENDING_OF,
            )
            .bind(&uploader.owner)
            .fetch_one(tx.conn())
            .await?;
            let (files, bytes): (i64, i64) = (row.try_get("files")?, row.try_get("bytes")?);
            if !limit.allows(files, bytes, file.byte_size.max(0) as u64) {
                return Ok(Err(pending_full(limit)));
            }
        }
        let row = sqlx::query(
        "INSERT INTO attachments (account_id, message_id, file_name, content_type, byte_size, storage_key, \
         duration_ms, created_at, uploaded_by, pending_conversation_id) \
         VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(uploader.account_id)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.byte_size)
    .bind(&file.storage_key)
    .bind(file.duration_ms)
    .bind(now_ms())
    .bind(&uploader.owner)
    .bind(uploader.conversation_id)
    .fetch_one(tx.conn())
    .await?;
        tx.finish().await?;
        Ok::<_, sqlx::Error>(Ok(row))
    }
    .await;
    match inserted {
        Ok(Err(refusal)) => {
            if let Err(gone) = files.delete(&file.storage_key).await {
                tracing::error!(key = file.storage_key, error = %gone, "orphan file left after a refused upload");
            }
            Err(refusal.into())
        }
        Ok(Ok(row)) => Ok(UploadedFile {
            id: row.try_get("id").map_err(AppError::from)?,
            file_name: file.file_name,
            content_type: file.content_type,
            byte_size: file.byte_size,
            duration_ms: file.duration_ms,
        }),
        Err(err) => {
            if let Err(gone) = files.delete(&file.storage_key).await {
                tracing::error!(key = file.storage_key, error = %gone, "orphan file left after a failed upload");
            }
            Err(AppError::from(err).into())
        }
    }
}
