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

/// A voice message is short: a 5-minute Opus recording is about 2 MB. Never more
/// than this is held in memory for one recording (remuxing needs it whole).
const VOICE_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Bytes per second of recording allowed for (192 kbit/s, above what browsers record
/// voice at), so the cap follows the configured longest voice message.
const VOICE_BYTES_PER_SECOND: u64 = 24 * 1024;
/// Recordings held in memory at once (the others wait their turn).
const VOICE_BUFFERS: usize = 4;

fn voice_buffers() -> &'static tokio::sync::Semaphore {
    static BUFFERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    BUFFERS.get_or_init(|| tokio::sync::Semaphore::new(VOICE_BUFFERS))
}

/// The most a recording of the longest allowed duration can weigh.
fn voice_max_bytes(limits: &UploadLimits) -> u64 {
    (u64::from(limits.voice_max_seconds) * VOICE_BYTES_PER_SECOND + 256 * 1024).min(VOICE_MAX_BYTES)
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

/// A recording: WebM/Opus becomes OGG/Opus, OGG is checked, MP4/AAC (Safari) kept.
/// Its start must already be audio before the rest is read, and the rest may weigh no
/// more than the longest allowed recording; only [`VOICE_BUFFERS`] are held at once.
#[allow(clippy::too_many_arguments)]
async fn store_voice<S, E>(
    db: &Db,
    files: &Files,
    limits: &UploadLimits,
    uploader: &Uploader,
    request: &UploadRequest,
    file_name: &str,
    room: Option<u64>,
    head: Vec<u8>,
    rest: Option<Bytes>,
    ended: bool,
    mut body: S,
) -> Result<UploadedFile, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let bad = || FileRefusal::BadRecording {
        file_name: file_name.to_owned(),
    };
    let detected = detect("", &head).map_err(|_| bad())?;
    if !matches!(
        detected.mime.as_str(),
        "video/webm"
            | "video/x-matroska"
            | "audio/ogg"
            | "audio/opus"
            | "audio/m4a"
            | "video/mp4"
            | "audio/aac"
    ) {
        return Err(bad().into());
    }
    let cap = voice_max_bytes(limits);
    let cap = room.map_or(cap, |room| room.min(cap));
    let too_large = || -> UploadError {
        match uploader.pending {
            Some(pending) if room.is_some_and(|room| room < voice_max_bytes(limits)) => {
                pending_full(pending).into()
            }
            _ => FileRefusal::TooLarge {
                file_name: file_name.to_owned(),
                limit_bytes: cap,
            }
            .into(),
        }
    };
    let _turn = voice_buffers()
        .acquire()
        .await
        .map_err(|_| UploadError::App(AppError::Internal))?;
    let mut bytes = head;
    if let Some(rest) = rest {
        bytes.extend_from_slice(&rest);
    }
    if !ended {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
            if (bytes.len() + chunk.len()) as u64 > cap {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
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

/// How many files `owner` holds uploaded but not sent, and their bytes.
async fn pending_of(db: &Db, owner: &str) -> Result<(i64, i64), UploadError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(byte_size), 0) AS BIGINT) AS bytes FROM attachments \
         WHERE uploaded_by = $1 AND message_id IS NULL",
    )
    .bind(owner)
    .fetch_one(&db.pool)
    .await
    .map_err(AppError::from)?;
    Ok((
        row.try_get("files").map_err(AppError::from)?,
        row.try_get("bytes").map_err(AppError::from)?,
    ))
}

fn pending_full(limit: PendingLimit) -> FileRefusal {
    FileRefusal::PendingFull {
        max_files: limit.files,
        max_bytes: limit.bytes,
    }
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
                "SELECT COUNT(*) AS files, CAST(COALESCE(SUM(byte_size), 0) AS BIGINT) AS bytes FROM attachments \
                 WHERE uploaded_by = $1 AND message_id IS NULL",
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
