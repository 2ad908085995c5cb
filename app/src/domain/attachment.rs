//! Rules for files sent in messages (S5, S6), shared by the browser (a quick early
//! answer) and the server (authoritative, deciding the type from the bytes).
use serde::{Deserialize, Serialize};

use super::ChannelKind;

/// At most this many files in one message.
pub const MAX_FILES: usize = 10;

const MB: u64 = 1024 * 1024;

/// Limits set by configuration, sent to the browser with each conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLimits {
    /// The largest file on any channel.
    pub max_bytes: u64,
    /// The longest voice message.
    pub voice_max_seconds: u32,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_bytes: 40 * MB,
            voice_max_seconds: 300,
        }
    }
}

/// What a file is, as far as channels and the chat care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileClass {
    Image,
    Audio,
    Video,
    Document,
}

impl FileClass {
    pub fn of_mime(mime: &str) -> FileClass {
        match mime.split('/').next().unwrap_or_default() {
            "image" => FileClass::Image,
            "audio" => FileClass::Audio,
            "video" => FileClass::Video,
            _ => FileClass::Document,
        }
    }

    /// The class a file name's extension promises (for spotting disguised files).
    pub fn of_extension(name: &str) -> Option<FileClass> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "heic" | "heif" | "avif" => {
                FileClass::Image
            }
            "mp3" | "ogg" | "oga" | "opus" | "m4a" | "aac" | "wav" | "amr" | "weba" => {
                FileClass::Audio
            }
            "mp4" | "mov" | "webm" | "3gp" | "mkv" | "avi" => FileClass::Video,
            "pdf" | "doc" | "docx" | "xls" | "xlsx" | "ppt" | "pptx" | "odt" | "ods" | "odp"
            | "txt" | "csv" | "rtf" | "zip" => FileClass::Document,
            _ => return None,
        })
    }
}

/// The largest file WhatsApp's Cloud API accepts for each kind of media.
pub fn whatsapp_limit(class: FileClass) -> u64 {
    match class {
        FileClass::Image => 5 * MB,
        FileClass::Audio | FileClass::Video => 16 * MB,
        FileClass::Document => 100 * MB,
    }
}

/// The largest file of this class for a conversation on this channel.
pub fn max_bytes(limits: &UploadLimits, channel: ChannelKind, class: FileClass) -> u64 {
    match channel {
        ChannelKind::WhatsApp => limits.max_bytes.min(whatsapp_limit(class)),
        _ => limits.max_bytes,
    }
}

/// A file stored by an upload, waiting for its message (the browser keeps its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub duration_ms: Option<i64>,
}

/// Why a file was refused; each has its own translated message.
// Decoded by `crate::tag_first` (its twin is `FileRefusalTwin` below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum FileRefusal {
    Empty {
        file_name: String,
    },
    TooLarge {
        file_name: String,
        limit_bytes: u64,
    },
    TooMany {
        max: usize,
    },
    /// A program (ELF, PE, Mach-O, script…), whatever its name says.
    Executable {
        file_name: String,
    },
    /// The name promises one kind of file, the content is another.
    Disguised {
        file_name: String,
        detected: String,
    },
    /// A type Charla does not accept (HTML, SVG, unknown binary…).
    Unsupported {
        file_name: String,
    },
    /// A voice message that is not audio Charla can read, or too long.
    BadRecording {
        file_name: String,
    },
    VoiceTooLong {
        max_seconds: u32,
    },
    /// The visitor already holds as many unsent files (or bytes) as she may.
    PendingFull {
        max_files: u32,
        max_bytes: u64,
    },
}

// Never built: it only gives serde the enum's shape.
#[allow(clippy::large_enum_variant)]
#[derive(Deserialize)]
#[serde(remote = "FileRefusal", rename_all = "snake_case")]
enum FileRefusalTwin {
    Empty { file_name: String },
    TooLarge { file_name: String, limit_bytes: u64 },
    TooMany { max: usize },
    Executable { file_name: String },
    Disguised { file_name: String, detected: String },
    Unsupported { file_name: String },
    BadRecording { file_name: String },
    VoiceTooLong { max_seconds: u32 },
    PendingFull { max_files: u32, max_bytes: u64 },
}

impl crate::tag_first::TagFirst for FileRefusal {
    const TAG: &'static str = "reason";
    fn from_variant<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FileRefusalTwin::deserialize(d)
    }
}
crate::tag_first::tag_first_deserialize!(FileRefusal);

/// The checks the browser can make before uploading: count, empty, size for the
/// class it claims. The server checks again from the bytes.
pub fn check_early(
    limits: &UploadLimits,
    channel: ChannelKind,
    file_name: &str,
    byte_size: u64,
    browser_type: &str,
) -> Result<(), FileRefusal> {
    if byte_size == 0 {
        return Err(FileRefusal::Empty {
            file_name: file_name.to_owned(),
        });
    }
    let class = if browser_type.is_empty() {
        FileClass::of_extension(file_name).unwrap_or(FileClass::Document)
    } else {
        FileClass::of_mime(browser_type)
    };
    let limit = max_bytes(limits, channel, class);
    if byte_size > limit {
        return Err(FileRefusal::TooLarge {
            file_name: file_name.to_owned(),
            limit_bytes: limit,
        });
    }
    Ok(())
}

/// A size for people: "5 MB", "340 KB", "12 B".
pub fn human_size(bytes: u64) -> String {
    if bytes >= MB {
        let mb = bytes as f64 / MB as f64;
        if mb.fract() < 0.05 {
            format!("{mb:.0} MB")
        } else {
            format!("{mb:.1} MB")
        }
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} B")
    }
}

/// "1:05" for a voice message's length.
pub fn clock(duration_ms: i64) -> String {
    let seconds = duration_ms.max(0) / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_back() {
        let name = || "a.exe".to_string();
        for refusal in [
            FileRefusal::Empty { file_name: name() },
            FileRefusal::TooLarge {
                file_name: name(),
                limit_bytes: 5,
            },
            FileRefusal::TooMany { max: 10 },
            FileRefusal::Executable { file_name: name() },
            FileRefusal::Disguised {
                file_name: name(),
                detected: "application/x-elf".into(),
            },
            FileRefusal::Unsupported { file_name: name() },
            FileRefusal::BadRecording { file_name: name() },
            FileRefusal::VoiceTooLong { max_seconds: 300 },
            FileRefusal::PendingFull {
                max_files: 10,
                max_bytes: 1 << 20,
            },
        ] {
            let text = serde_json::to_string(&refusal).unwrap();
            assert_eq!(serde_json::from_str::<FileRefusal>(&text).unwrap(), refusal);
        }
    }

    #[test]
    fn whatsapp_limits_per_kind() {
        let limits = UploadLimits {
            max_bytes: 200 * MB,
            voice_max_seconds: 300,
        };
        let wa = ChannelKind::WhatsApp;
        assert_eq!(max_bytes(&limits, wa, FileClass::Image), 5 * MB);
        assert_eq!(max_bytes(&limits, wa, FileClass::Audio), 16 * MB);
        assert_eq!(max_bytes(&limits, wa, FileClass::Video), 16 * MB);
        assert_eq!(max_bytes(&limits, wa, FileClass::Document), 100 * MB);
        assert_eq!(
            max_bytes(&limits, ChannelKind::WebChat, FileClass::Image),
            200 * MB
        );
        // The general maximum wins when it is the smaller one.
        assert_eq!(
            max_bytes(&UploadLimits::default(), wa, FileClass::Document),
            40 * MB
        );
    }

    #[test]
    fn early_checks() {
        let limits = UploadLimits::default();
        let wa = ChannelKind::WhatsApp;
        assert!(matches!(
            check_early(&limits, wa, "a.png", 0, "image/png"),
            Err(FileRefusal::Empty { .. })
        ));
        assert!(check_early(&limits, wa, "a.png", 5 * MB, "image/png").is_ok());
        assert_eq!(
            check_early(&limits, wa, "a.png", 5 * MB + 1, "image/png"),
            Err(FileRefusal::TooLarge {
                file_name: "a.png".into(),
                limit_bytes: 5 * MB
            })
        );
        assert!(check_early(&limits, ChannelKind::WebChat, "a.png", 5 * MB + 1, "").is_ok());
        assert!(check_early(&limits, ChannelKind::Email, "a.pdf", 40 * MB + 1, "").is_err());
    }

    #[test]
    fn classes() {
        assert_eq!(FileClass::of_mime("audio/ogg"), FileClass::Audio);
        assert_eq!(FileClass::of_mime("application/pdf"), FileClass::Document);
        assert_eq!(FileClass::of_extension("x.PNG"), Some(FileClass::Image));
        assert_eq!(FileClass::of_extension("x.exe"), None);
        assert_eq!(FileClass::of_extension("sin-extension"), None);
    }

    #[test]
    fn sizes_and_clocks() {
        assert_eq!(human_size(5 * MB), "5 MB");
        assert_eq!(human_size(MB + MB / 2), "1.5 MB");
        assert_eq!(human_size(340 * 1024), "340 KB");
        assert_eq!(human_size(12), "12 B");
        assert_eq!(clock(65_400), "1:05");
        assert_eq!(clock(0), "0:00");
    }
}
