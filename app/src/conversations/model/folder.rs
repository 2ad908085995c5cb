//! Saved folders (Carpetas): an agent's named combination of tab, status and
//! filters, shown beside Mías / Sin asignar / Todas with its live count.
use serde::{Deserialize, Serialize};

use super::{ListFilter, Tab};
use crate::domain::ConversationStatus;

/// How many folders one agent keeps; each costs a count on every list load.
pub const FOLDERS_MAX: usize = 20;
/// Longest folder name, in characters.
pub const FOLDER_NAME_MAX: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedFolder {
    pub id: i64,
    pub name: String,
    pub tab: Tab,
    pub status: ConversationStatus,
    pub filter: ListFilter,
}

/// Above this a folder shows "99+": its count stops there, so ten folders over a
/// hundred thousand conversations cost a few milliseconds rather than full scans
/// (measured: `bench list`, BENCHMARKS.md).
pub const FOLDER_COUNT_SHOWN: i64 = 99;

/// A folder's count as the tab shows it.
pub fn folder_count_text(count: i64) -> String {
    if count > FOLDER_COUNT_SHOWN {
        format!("{FOLDER_COUNT_SHOWN}+")
    } else {
        count.to_string()
    }
}

/// A folder's count of conversations, now, up to [`FOLDER_COUNT_SHOWN`] + 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderCount {
    pub id: i64,
    pub count: i64,
}

/// The name as stored: trimmed, not empty, at most [`FOLDER_NAME_MAX`] characters;
/// the error is the validation code.
pub fn folder_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        Err("required")
    } else if name.chars().count() > FOLDER_NAME_MAX {
        Err("too_long")
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_counts_show_as_ninety_nine_plus() {
        assert_eq!(folder_count_text(0), "0");
        assert_eq!(folder_count_text(99), "99");
        assert_eq!(folder_count_text(100), "99+");
    }

    #[test]
    fn folder_names_are_trimmed_and_bounded() {
        assert_eq!(
            folder_name("  Urgentes de Ana "),
            Ok("Urgentes de Ana".into())
        );
        assert_eq!(folder_name("   "), Err("required"));
        assert_eq!(folder_name(&"ñ".repeat(40)), Ok("ñ".repeat(40)));
        assert_eq!(folder_name(&"ñ".repeat(41)), Err("too_long"));
    }
}
