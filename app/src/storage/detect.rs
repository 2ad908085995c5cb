//! A file's type decided from its first bytes (`infer`'s magic numbers), never from
//! its name or the browser's claim. Programs are refused whatever they are called,
//! and so is a file whose name promises one kind of content while holding another.
use crate::domain::attachment::{FileClass, FileRefusal};

/// How many leading bytes the decision needs (zip-based Office files are recognised
/// by names a little way in).
pub const HEAD_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub mime: String,
    pub extension: String,
    pub class: FileClass,
}

const IMAGES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heif",
    "image/avif",
    "image/bmp",
    "image/tiff",
];
const AUDIO: &[&str] = &[
    "audio/mpeg",
    "audio/m4a",
    "audio/opus",
    "audio/ogg",
    "audio/x-flac",
    "audio/x-wav",
    "audio/amr",
    "audio/aac",
];
const VIDEO: &[&str] = &[
    "video/mp4",
    "video/x-m4v",
    "video/webm",
    "video/quicktime",
    "video/x-matroska",
    "video/mpeg",
    "video/x-msvideo",
];
const DOCUMENTS: &[&str] = &[
    "application/pdf",
    "application/rtf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/epub+zip",
    "application/zip",
    "application/x-7z-compressed",
    "application/vnd.rar",
    "application/gzip",
    "application/x-tar",
];

/// Decides what `head` (the file's first [`HEAD_BYTES`] or all of it) is.
pub fn detect(file_name: &str, head: &[u8]) -> Result<Detected, FileRefusal> {
    let named = || file_name.to_owned();
    if head.is_empty() {
        return Err(FileRefusal::Empty { file_name: named() });
    }
    let detected = match infer::get(head) {
        Some(kind) => {
            let mime = kind.mime_type();
            let class = if IMAGES.contains(&mime) {
                FileClass::Image
            } else if AUDIO.contains(&mime) {
                FileClass::Audio
            } else if VIDEO.contains(&mime) {
                FileClass::Video
            } else if DOCUMENTS.contains(&mime) {
                FileClass::Document
            } else if kind.matcher_type() == infer::MatcherType::App
                && mime != "application/x-x509-ca-cert"
                || mime == "text/x-shellscript"
            {
                return Err(FileRefusal::Executable { file_name: named() });
            } else {
                return Err(FileRefusal::Unsupported { file_name: named() });
            };
            Detected {
                mime: mime.to_owned(),
                extension: kind.extension().to_owned(),
                class,
            }
        }
        None if is_text(head) => {
            if head.starts_with(b"#!") {
                return Err(FileRefusal::Executable { file_name: named() });
            }
            let csv = file_name.to_ascii_lowercase().ends_with(".csv");
            Detected {
                mime: if csv { "text/csv" } else { "text/plain" }.to_owned(),
                extension: if csv { "csv" } else { "txt" }.to_owned(),
                class: FileClass::Document,
            }
        }
        None => return Err(FileRefusal::Unsupported { file_name: named() }),
    };
    if let Some(promised) = FileClass::of_extension(file_name) {
        // Audio and video share containers (an .m4a is an MP4, a voice .weba a WebM).
        let media = |c| matches!(c, FileClass::Audio | FileClass::Video);
        // Formats with a signature of their own cannot be plain text.
        let binary_document = matches!(
            file_name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .as_deref(),
            Some(
                "pdf"
                    | "doc"
                    | "docx"
                    | "xls"
                    | "xlsx"
                    | "ppt"
                    | "pptx"
                    | "odt"
                    | "ods"
                    | "odp"
                    | "zip"
            )
        ) && detected.mime.starts_with("text/");
        if binary_document
            || promised != detected.class && !(media(promised) && media(detected.class))
        {
            return Err(FileRefusal::Disguised {
                file_name: named(),
                detected: detected.mime,
            });
        }
    }
    Ok(detected)
}

/// UTF-8 without NUL bytes (a cut in the middle of the last character is fine).
fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none() && head.len() - err.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0\
        \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
    const PE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";

    #[test]
    fn images_and_documents_by_content() {
        let png = detect("foto.png", PNG).unwrap();
        assert_eq!(png.mime, "image/png");
        assert_eq!(png.class, FileClass::Image);
        let pdf = detect("factura.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap();
        assert_eq!(pdf.mime, "application/pdf");
        // The name does not decide: a PNG called "scan" is still a PNG.
        assert_eq!(detect("scan", PNG).unwrap().mime, "image/png");
        assert_eq!(
            detect("notas.txt", "hola, qué tal\n".as_bytes())
                .unwrap()
                .mime,
            "text/plain"
        );
        assert_eq!(detect("lista.csv", b"a,b\n1,2\n").unwrap().mime, "text/csv");
    }

    #[test]
    fn programs_are_refused_whatever_their_name() {
        for (name, bytes) in [("foto.png", ELF), ("factura.pdf", PE), ("x", ELF)] {
            assert!(
                matches!(detect(name, bytes), Err(FileRefusal::Executable { .. })),
                "{name}"
            );
        }
        assert!(matches!(
            detect("run.txt", b"#!/bin/sh\nrm -rf /\n"),
            Err(FileRefusal::Executable { .. })
        ));
    }

    #[test]
    fn disguised_and_unsupported_files() {
        assert_eq!(
            detect("foto.png", b"%PDF-1.7\n"),
            Err(FileRefusal::Disguised {
                file_name: "foto.png".into(),
                detected: "application/pdf".into()
            })
        );
        assert!(matches!(
            detect("informe.pdf", "solo texto".as_bytes()),
            Err(FileRefusal::Disguised { .. })
        ));
        assert!(matches!(
            detect(
                "pagina.html",
                b"<!DOCTYPE html><html><script>alert(1)</script>"
            ),
            Err(FileRefusal::Unsupported { .. })
        ));
        assert!(matches!(
            detect("datos.bin", &[0u8, 1, 2, 3, 0xff, 0xfe, 0]),
            Err(FileRefusal::Unsupported { .. })
        ));
        assert!(matches!(
            detect("vacio.txt", b""),
            Err(FileRefusal::Empty { .. })
        ));
    }

    #[test]
    fn text_cut_mid_character_is_still_text() {
        let text = "añadir".as_bytes();
        assert!(is_text(&text[..2]));
        assert!(!is_text(b"\xff\xfe\xfd\xfc\xfb"));
    }
}
