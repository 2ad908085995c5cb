//! Why a file was refused, in the reader's language.
use leptos_i18n::I18nContext;

use crate::domain::attachment::{human_size, FileRefusal};
use crate::i18n::*;

/// A refusal in the reader's language.
pub fn refusal_text(i18n: I18nContext<Locale>, refusal: &FileRefusal) -> String {
    match refusal {
        FileRefusal::Empty { file_name } => {
            t_string!(i18n, refused_empty, name = file_name.clone()).to_string()
        }
        FileRefusal::TooLarge {
            file_name,
            limit_bytes,
        } => t_string!(
            i18n,
            refused_too_large,
            name = file_name.clone(),
            limit = human_size(*limit_bytes)
        )
        .to_string(),
        FileRefusal::TooMany { max } => t_string!(i18n, refused_too_many, max = *max).to_string(),
        FileRefusal::Executable { file_name } => {
            t_string!(i18n, refused_executable, name = file_name.clone()).to_string()
        }
        FileRefusal::Disguised {
            file_name,
            detected,
        } => t_string!(
            i18n,
            refused_disguised,
            name = file_name.clone(),
            detected = detected.clone()
        )
        .to_string(),
        FileRefusal::Unsupported { file_name } => {
            t_string!(i18n, refused_unsupported, name = file_name.clone()).to_string()
        }
        FileRefusal::BadRecording { .. } => t_string!(i18n, refused_bad_recording).to_string(),
        FileRefusal::VoiceTooLong { max_seconds } => t_string!(
            i18n,
            refused_voice_too_long,
            max = crate::domain::attachment::clock(i64::from(*max_seconds) * 1000)
        )
        .to_string(),
        FileRefusal::PendingFull {
            max_files,
            max_bytes,
        } => t_string!(
            i18n,
            refused_pending_full,
            max = *max_files,
            size = human_size(*max_bytes)
        )
        .to_string(),
    }
}
