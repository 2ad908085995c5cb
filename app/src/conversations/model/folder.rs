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

/// A folder's count of conversations, now.
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
