//! A customer's file, fetched from Meta into storage with a safe name and extension.
use super::super::graph::GraphError;
use super::super::inbox::WhatsAppInbox;
use super::super::webhook::Incoming;
use super::super::WhatsApp;
use crate::error::AppError;
use crate::storage::{Files, NewAttachment};

fn extension_for(mime: &str, file_name: Option<&str>) -> String {
    if let Some(ext) = file_name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e) {
        return ext.to_owned();
    }
    let essence = mime.split(';').next().unwrap_or_default().trim();
    match essence {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/mp4" | "audio/aac" => "m4a",
        "audio/amr" => "amr",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "application/pdf" => "pdf",
        _ => "bin",
    }
    .to_owned()
}

/// A safe file name to show and to offer for download.
fn file_name_for(media: &super::super::webhook::MediaRef, kind: &str, ext: &str) -> String {
    crate::storage::clean_file_name(media.file_name.as_deref().unwrap_or_default()).unwrap_or_else(
        || {
            let base = if media.voice { "voice" } else { kind };
            format!("{base}.{ext}")
        },
    )
}

/// Fetches the message's file from Meta into storage. `Ok(None)` when Meta refuses it
/// for good (the message is kept, marked as missing its file).
pub(super) async fn fetch_media(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<Option<NewAttachment>, Result<String, AppError>> {
    let Some(media) = &incoming.media else {
        return Ok(None);
    };
    match wa.graph.download(inbox, &media.id).await {
        Ok((bytes, served_mime)) => {
            let mime = media
                .mime_type
                .clone()
                .unwrap_or(served_mime)
                .split(';')
                .next()
                .unwrap_or("application/octet-stream")
                .trim()
                .to_owned();
            let ext = extension_for(&mime, media.file_name.as_deref());
            let key = Files::new_key(inbox.account_id, &ext);
            if let Err(err) = wa.files.put(&key, bytes.clone()).await {
                tracing::error!(error = %err, "storing a WhatsApp media file failed");
                return Err(Err(AppError::Internal));
            }
            Ok(Some(NewAttachment {
                file_name: file_name_for(media, &incoming.content_type, &ext),
                content_type: mime,
                byte_size: bytes.len() as i64,
                storage_key: key,
                duration_ms: None,
            }))
        }
        Err(GraphError::Retry(err) | GraphError::Unreachable(err)) => {
            tracing::warn!(error = %err, "WhatsApp media not fetched yet; Meta will redeliver");
            Err(Err(AppError::Internal))
        }
        Err(GraphError::Permanent(err) | GraphError::NotAllowed(err)) => Err(Ok(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_files_get_safe_names() {
        let media = super::super::super::webhook::MediaRef {
            id: "1".into(),
            mime_type: None,
            file_name: Some("../../etc/pass<wd>.pdf".into()),
            voice: false,
        };
        assert_eq!(file_name_for(&media, "document", "pdf"), "etcpasswd.pdf");
        let voice = super::super::super::webhook::MediaRef {
            file_name: None,
            voice: true,
            ..media
        };
        assert_eq!(file_name_for(&voice, "audio", "ogg"), "voice.ogg");
        assert_eq!(extension_for("audio/ogg; codecs=opus", None), "ogg");
    }
}
