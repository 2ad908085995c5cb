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

/// A voice message is short: a 5-minute Opus recording is about 2 MB.
const VOICE_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Uploads never sent are removed after this long.
pub const ABANDONED_AFTER_MS: i64 = 24 * 3600 * 1000;

/// Who uploads, for which conversation (visitors may not have one yet).
#[derive(Debug, Clone)]
pub struct Uploader {
    pub account_id: i64,
    /// `agent:<id>` or `visitor:<identity id>`: only the owner can send or discard it.
    pub owner: String,
    pub conversation_id: Option<i64>,
    pub channel: ChannelKind,
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
        }
    }

    /// The header file of a template that opens a conversation not yet stored.
    pub fn agent_new_conversation(account_id: i64, agent_id: i64, channel: ChannelKind) -> Self {
        Uploader {
            account_id,
            owner: format!("agent:{agent_id}"),
            conversation_id: None,
            channel,
        }
    }

    pub fn visitor(account_id: i64, identity_id: i64) -> Self {
        Uploader {
            account_id,
            owner: format!("visitor:{identity_id}"),
            conversation_id: None,
            channel: ChannelKind::WebChat,
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
    // Enough of the start to decide the type (and, for a voice message, all of it).
    let wanted = if request.voice {
        VOICE_MAX_BYTES as usize + 1
    } else {
        HEAD_BYTES
    };
    let mut head = Vec::new();
    let mut rest: Option<Bytes> = None;
    let mut ended = false;
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
            None => {
                ended = true;
                break;
            }
        }
    }
    if request.voice {
        if !ended {
            return Err(FileRefusal::TooLarge {
                file_name,
                limit_bytes: VOICE_MAX_BYTES,
            }
            .into());
        }
        return store_voice(db, files, limits, uploader, request, &file_name, head).await;
    }
    let detected = detect(&file_name, &head)?;
    let limit = max_bytes(limits, uploader.channel, detected.class);
    let too_large = || FileRefusal::TooLarge {
        file_name: file_name.clone(),
        limit_bytes: limit,
    };
    let mut total = head.len() as u64 + rest.as_ref().map_or(0, |r| r.len() as u64);
    if total > limit {
        return Err(too_large().into());
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
                    return Err(too_large().into());
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

/// A recording: WebM/Opus becomes OGG/Opus, OGG is checked, MP4/AAC (Safari) kept.
async fn store_voice(
    db: &Db,
    files: &Files,
    limits: &UploadLimits,
    uploader: &Uploader,
    request: &UploadRequest,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<UploadedFile, UploadError> {
    let bad = || FileRefusal::BadRecording {
        file_name: file_name.to_owned(),
    };
    let detected = detect("", &bytes).map_err(|_| bad())?;
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .to_owned();
    let (bytes, content_type, extension, duration_ms) = match detected.mime.as_str() {
        "video/webm" | "video/x-matroska" => {
            let voice = webm_to_ogg(&bytes).map_err(|err| {
                tracing::info!(error = %err, "recording refused");
                bad()
            })?;
            (voice.ogg, "audio/ogg", "ogg", voice.duration_ms)
        }
        "audio/ogg" | "audio/opus" => {
            let duration = ogg_opus_duration(&bytes).map_err(|_| bad())?;
            (bytes, "audio/ogg", "ogg", duration)
        }
        "audio/m4a" | "video/mp4" | "audio/aac" => {
            let duration = request.client_duration_ms.unwrap_or(0).max(0);
            (bytes, "audio/mp4", "m4a", duration)
        }
        _ => return Err(bad().into()),
    };
    // A second of grace for the recorder's own stop latency.
    if duration_ms > i64::from(limits.voice_max_seconds) * 1000 + 1000 {
        return Err(FileRefusal::VoiceTooLong {
            max_seconds: limits.voice_max_seconds,
        }
        .into());
    }
    let limit = max_bytes(limits, uploader.channel, FileClass::Audio);
    if bytes.len() as u64 > limit {
        return Err(FileRefusal::TooLarge {
            file_name: file_name.to_owned(),
            limit_bytes: limit,
        }
        .into());
    }
    let key = Files::new_key(uploader.account_id, extension);
    let byte_size = bytes.len() as i64;
    files.put(&key, bytes).await.map_err(storage_failed)?;
    let file = NewAttachment {
        file_name: format!("{stem}.{extension}"),
        content_type: content_type.to_owned(),
        byte_size,
        storage_key: key,
        duration_ms: Some(duration_ms),
    };
    record(db, files, uploader, file).await
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
        Ok::<_, sqlx::Error>(row)
    }
    .await;
    match inserted {
        Ok(row) => Ok(UploadedFile {
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
