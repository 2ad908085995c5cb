//! Uploads from a composer (agents) or the widget (visitors): the bytes are checked
//! as they stream in (type from content, size for the conversation's channel), stored,
//! and recorded as a file without a message; sending the message claims it in the
//! message's own transaction. A refused or interrupted upload leaves nothing behind.
use bytes::Bytes;
use futures::{Stream, StreamExt};
use sqlx::Row;

use super::detect::{detect, HEAD_BYTES};
use super::remux::{ogg_opus_duration, webm_to_ogg};
use super::{clean_file_name, Files};
use crate::conversations::ssr::messages::NewAttachment;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::attachment::{
    max_bytes, FileClass, FileRefusal, UploadLimits, UploadedFile, MAX_FILES,
};
use crate::domain::ChannelKind;
use crate::error::AppError;

mod pending;
mod voice;

pub use pending::{discard, sweep_abandoned, take_in_tx, PendingLimit, ABANDONED_AFTER_MS};
use pending::{pending_full, pending_of, PENDING_OF};
use voice::store_voice;

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

fn storage_failed(err: super::StorageError) -> UploadError {
    tracing::error!(error = %err, "file storage failed");
    UploadError::App(AppError::Internal)
}

/// Streams an upload into storage and records it as pending.
pub async fn store_upload<S, E>(
    db: &Db,
    files: &Files,
    limits: &UploadLimits,
    uploader: &Uploader,
    request: &UploadRequest,
    mut body: S,
) -> Result<UploadedFile, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let file_name = clean_file_name(&request.file_name).unwrap_or_else(|| "archivo".to_owned());
    // Room left under the owner's pending limit: refused before a byte is stored.
    let room = match uploader.pending {
        Some(limit) => {
            let (files, bytes) = pending_of(db, &uploader.owner).await?;
            if !limit.allows(files, bytes, 0) {
                return Err(pending_full(limit).into());
            }
            Some(limit.bytes.saturating_sub(bytes.max(0) as u64))
        }
        None => None,
    };
    // Enough of the start to decide the type.
    let (head, rest, ended) = read_head(&mut body, HEAD_BYTES).await?;
    if request.voice {
        return store_voice(
            db, files, limits, uploader, request, &file_name, room, head, rest, ended, body,
        )
        .await;
    }
    let detected = detect(&file_name, &head)?;
    let file_limit = max_bytes(limits, uploader.channel, detected.class);
    let limit = room.map_or(file_limit, |room| room.min(file_limit));
    let too_large = || -> UploadError {
        match uploader.pending {
            Some(pending) if limit < file_limit => pending_full(pending).into(),
            _ => FileRefusal::TooLarge {
                file_name: file_name.clone(),
                limit_bytes: limit,
            }
            .into(),
        }
    };
    let mut total = head.len() as u64 + rest.as_ref().map_or(0, |r| r.len() as u64);
    if total > limit {
        return Err(too_large());
    }
    let key = Files::new_key(uploader.account_id, &detected.extension);
    let mut writer = files.writer(&key).await.map_err(storage_failed)?;
    let mut pending = vec![Bytes::from(head)];
    pending.extend(rest);
    let outcome: Result<(), UploadError> = async {
        for chunk in pending {
            writer.write(chunk).await.map_err(storage_failed)?;
        }
        if !ended {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
                total += chunk.len() as u64;
                if total > limit {
                    return Err(too_large());
                }
                writer.write(chunk).await.map_err(storage_failed)?;
            }
        }
        Ok(())
    }
    .await;
    if let Err(err) = outcome {
        if let Err(abort) = writer.abort().await {
            tracing::warn!(error = %abort, "aborting a refused upload failed");
        }
        return Err(err);
    }
    writer.finish().await.map_err(storage_failed)?;
    let file = NewAttachment {
        file_name: with_extension(&file_name, &detected.extension, detected.class),
        content_type: detected.mime,
        byte_size: total as i64,
        storage_key: key,
        duration_ms: None,
    };
    record(db, files, uploader, file).await
}

/// The first `wanted` bytes of `body` (fewer when it ends first), what came after them
/// in the last chunk read, and whether the body ended.
async fn read_head<S, E>(
    body: &mut S,
    wanted: usize,
) -> Result<(Vec<u8>, Option<Bytes>, bool), UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut head = Vec::new();
    let mut rest: Option<Bytes> = None;
    while head.len() < wanted {
        match body.next().await {
            Some(Ok(chunk)) => {
                let room = wanted - head.len();
                if chunk.len() > room {
                    head.extend_from_slice(&chunk[..room]);
                    rest = Some(chunk.slice(room..));
                } else {
                    head.extend_from_slice(&chunk);
                }
            }
            Some(Err(err)) => return Err(UploadError::Interrupted(err.to_string())),
            None => return Ok((head, rest, true)),
        }
    }
    Ok((head, rest, false))
}

/// The pending row; if it cannot be written, the stored file goes too.
async fn record(
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

/// A name whose extension matches the content (a PNG sent as "captura" gets ".png").
fn with_extension(name: &str, extension: &str, class: FileClass) -> String {
    let has_one = FileClass::of_extension(name).is_some_and(|c| {
        c == class
            || matches!(
                (c, class),
                (
                    FileClass::Audio | FileClass::Video,
                    FileClass::Audio | FileClass::Video
                )
            )
    });
    if has_one {
        name.to_owned()
    } else {
        format!("{name}.{extension}")
    }
}
