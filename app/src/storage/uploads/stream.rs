//! An upload as it streams in: typed from its first bytes, measured against the
//! channel's limit as it comes, written to storage, then recorded as pending.
use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::pending::{pending_full, pending_of, record};
use super::request::{storage_failed, UploadError, UploadRequest, Uploader};
use super::voice::store_voice;
use crate::db::Db;
use crate::domain::attachment::{max_bytes, FileClass, FileRefusal, UploadLimits, UploadedFile};
use crate::storage::detect::{detect, HEAD_BYTES};
use crate::storage::{clean_file_name, Files, NewAttachment};

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
