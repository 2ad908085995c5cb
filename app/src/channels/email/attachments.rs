//! A customer's mail attachments are taken in as uploads are: the type is decided from
//! the content (`storage::detect`), never from the type the mail declares or the name;
//! programs, disguised and unaccepted files are refused, and each file is held to the
//! Email channel's upload limit. A refused file is not stored; the agents read why.
use crate::domain::attachment::{max_bytes, FileClass, FileRefusal, UploadLimits};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::storage::detect::{detect, HEAD_BYTES};
use crate::storage::NewAttachment;
use crate::storage::{clean_file_name, Files};

/// Parts that sign the mail rather than carry something for the agents: left out
/// without a note (every signed mail would otherwise get one).
const SIGNATURES: &[&str] = &[
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
];

/// What a kept file is stored as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The mail's name, with the content's extension added when it has none that fits.
    pub file_name: String,
    /// From the content.
    pub content_type: String,
    pub extension: String,
}

/// Decides one attachment: `Ok(None)` when it is a signature to leave out.
pub fn check(
    limits: &UploadLimits,
    name: &str,
    declared: &str,
    bytes: &[u8],
) -> Result<Option<Accepted>, FileRefusal> {
    if SIGNATURES.contains(&declared) {
        return Ok(None);
    }
    let file_name = clean_file_name(name).unwrap_or_else(|| "adjunto".to_owned());
    let detected = detect(&file_name, &bytes[..bytes.len().min(HEAD_BYTES)])?;
    let limit = max_bytes(limits, ChannelKind::Email, detected.class);
    if bytes.len() as u64 > limit {
        return Err(FileRefusal::TooLarge {
            file_name,
            limit_bytes: limit,
        });
    }
    // `detect` refuses a name whose extension promises another kind of file, so one
    // it knows already fits; an unknown or missing one gets the content's.
    let file_name = if FileClass::of_extension(&file_name).is_some() {
        file_name
    } else {
        format!("{file_name}.{}", detected.extension)
    };
    Ok(Some(Accepted {
        file_name,
        content_type: detected.mime,
        extension: detected.extension,
    }))
}

/// The file a refusal is about, for logs and the activity line's text.
pub fn refused_name(refusal: &FileRefusal) -> &str {
    match refusal {
        FileRefusal::Empty { file_name }
        | FileRefusal::TooLarge { file_name, .. }
        | FileRefusal::Executable { file_name }
        | FileRefusal::Disguised { file_name, .. }
        | FileRefusal::Unsupported { file_name }
        | FileRefusal::BadRecording { file_name } => file_name,
        _ => "",
    }
}

/// Stores the files that pass [`check`], one at a time, each moved out of the list
/// (no copy); returns them and the refusals. On a storage failure the files already
/// stored are removed again.
pub async fn store(
    files: &Files,
    account_id: i64,
    limits: &UploadLimits,
    parts: Vec<(String, String, Vec<u8>)>,
) -> Result<(Vec<NewAttachment>, Vec<FileRefusal>), AppError> {
    let mut kept = Vec::new();
    let mut refused = Vec::new();
    for (name, declared, bytes) in parts {
        let accepted = match check(limits, &name, &declared, &bytes) {
            Ok(Some(accepted)) => accepted,
            Ok(None) => continue,
            Err(refusal) => {
                tracing::info!(
                    account = account_id,
                    ?refusal,
                    "an email attachment was not kept"
                );
                refused.push(refusal);
                continue;
            }
        };
        let key = Files::new_key(account_id, &accepted.extension);
        let byte_size = bytes.len() as i64;
        if let Err(err) = files.put(&key, bytes).await {
            tracing::error!(error = %err, "storing an email attachment failed");
            discard(files, &kept).await;
            return Err(AppError::Internal);
        }
        kept.push(NewAttachment {
            file_name: accepted.file_name,
            content_type: accepted.content_type,
            byte_size,
            storage_key: key,
            duration_ms: None,
        });
    }
    Ok((kept, refused))
}

/// Removes stored files whose message was not recorded.
pub async fn discard(files: &Files, stored: &[NewAttachment]) {
    for file in stored {
        if let Err(err) = files.delete(&file.storage_key).await {
            tracing::warn!(key = file.storage_key, error = %err, "removing an unrecorded email attachment failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n%presupuesto\n";

    /// The start of an x86-64 ELF program (the magic number, padded past its header).
    fn elf() -> Vec<u8> {
        let mut bytes = b"\x7fELF\x02\x01\x01".to_vec();
        bytes.resize(256, 0);
        bytes
    }

    fn limits(max_bytes: u64) -> UploadLimits {
        UploadLimits {
            max_bytes,
            voice_max_seconds: 300,
        }
    }

    #[test]
    fn the_type_comes_from_the_content() {
        let kept = check(&limits(1024), "datos", "image/png", PDF)
            .unwrap()
            .unwrap();
        assert_eq!(
            kept,
            Accepted {
                file_name: "datos.pdf".into(),
                content_type: "application/pdf".into(),
                extension: "pdf".into(),
            }
        );
        let kept = check(&limits(1024), "notas.txt", "image/png", b"hola")
            .unwrap()
            .unwrap();
        assert_eq!(
            (kept.file_name.as_str(), kept.content_type.as_str()),
            ("notas.txt", "text/plain")
        );
    }

    #[test]
    fn programs_disguises_and_large_files_are_refused() {
        assert_eq!(
            check(&limits(1024), "factura.pdf", "application/pdf", &elf()),
            Err(FileRefusal::Executable {
                file_name: "factura.pdf".into()
            })
        );
        assert!(matches!(
            check(&limits(1024), "foto.png", "image/png", PDF),
            Err(FileRefusal::Disguised { .. })
        ));
        let big = [PDF, &[b'x'; 2048][..]].concat();
        assert_eq!(
            check(&limits(1024), "grande.pdf", "application/pdf", &big),
            Err(FileRefusal::TooLarge {
                file_name: "grande.pdf".into(),
                limit_bytes: 1024
            })
        );
        assert!(matches!(
            check(&limits(1024), "vacio.txt", "text/plain", b""),
            Err(FileRefusal::Empty { .. })
        ));
        assert_eq!(
            check(
                &limits(1024),
                "smime.p7s",
                "application/pkcs7-signature",
                &elf()
            ),
            Ok(None),
            "a signature is left out quietly"
        );
    }
}
