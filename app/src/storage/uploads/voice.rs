//! Voice messages recorded in a composer or the widget: typed from their first bytes,
//! read whole (remuxing needs it) but never more than the longest allowed recording can
//! weigh, and only a few at a time.
use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::pending::{pending_full, record};
use super::request::{storage_failed, UploadError, UploadRequest, Uploader};
use crate::db::Db;
use crate::domain::attachment::{max_bytes, FileClass, FileRefusal, UploadLimits, UploadedFile};
use crate::error::AppError;
use crate::storage::detect::detect;
use crate::storage::remux::{ogg_opus_duration, webm_to_ogg};
use crate::storage::{Files, NewAttachment};

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

/// A recording: WebM/Opus becomes OGG/Opus, OGG is checked, MP4/AAC (Safari) kept.
/// Its start must already be audio before the rest is read, and the rest may weigh no
/// more than the longest allowed recording; only [`VOICE_BUFFERS`] are held at once.
#[allow(clippy::too_many_arguments)]
pub(super) async fn store_voice<S, E>(
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
