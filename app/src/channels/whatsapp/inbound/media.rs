//! A customer's file, fetched from Meta into storage with a safe name and extension.
use super::super::graph::GraphError;
use super::super::inbox::WhatsAppInbox;
use super::super::webhook::MediaRef;
use super::super::WhatsApp;
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
fn file_name_for(media: &MediaRef, kind: &str, ext: &str) -> String {
    crate::storage::clean_file_name(media.file_name.as_deref().unwrap_or_default()).unwrap_or_else(
        || {
            let base = if media.voice { "voice" } else { kind };
            format!("{base}.{ext}")
        },
    )
}

/// Why a file did not come.
pub(super) enum NotFetched {
    /// Meta refuses it for good (the message is kept, marked as missing its file).
    Refused(String),
    /// Meta or the storage failed this time: try again later.
    Later(String),
}

/// Fetches a message's file (of message type `kind`) from Meta into storage.
pub(super) async fn fetch_media(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    media: &MediaRef,
    kind: &str,
) -> Result<NewAttachment, NotFetched> {
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
                return Err(NotFetched::Later(err.to_string()));
            }
            Ok(NewAttachment {
                file_name: file_name_for(media, kind, &ext),
                content_type: mime,
                byte_size: bytes.len() as i64,
                storage_key: key,
                duration_ms: None,
            })
        }
        Err(GraphError::Retry(err) | GraphError::Unreachable(err)) => Err(NotFetched::Later(err)),
        Err(GraphError::Permanent(err) | GraphError::NotAllowed(err)) => {
            Err(NotFetched::Refused(err))
        }
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
