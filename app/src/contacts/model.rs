//! Wire types of Contactos: list rows and pages, details, notes, history, import
//! report and the Nueva conversación form.
use serde::{Deserialize, Serialize};

use crate::domain::template::TemplateView;
use crate::domain::{ChannelKind, Millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ContactSort {
    /// A to Z by the folded name (or email / phone when there is no name).
    #[default]
    Name,
    /// Most recent activity first.
    Activity,
}

impl ContactSort {
    pub fn key(self) -> &'static str {
        match self {
            ContactSort::Name => "name",
            ContactSort::Activity => "activity",
        }
    }

    pub fn from_key(key: Option<&str>) -> Self {
        match key {
            Some("activity") => ContactSort::Activity,
            _ => ContactSort::Name,
        }
    }
}

/// Keyset position: the last row's sort key (sort name, or activity millis) and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactCursor {
    Name { sort_name: String, id: i64 },
    Activity { last_activity_at: Millis, id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub last_activity_at: Millis,
    pub created_at: Millis,
    /// What a website visitor typed as her email: a claim nobody verified, never used
    /// to join her to a contact (agents may merge on purpose).
    #[serde(default)]
    pub claimed_email: Option<String>,
    /// Her id in the customer's own systems (Chatwoot's `identifier`), unique in the
    /// account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Blocked (her conversations muted): her messages are kept but reopen and notify
    /// nothing.
    #[serde(default)]
    pub blocked: bool,
    /// Its labels' ids (filled for the contact list's pages).
    #[serde(default)]
    pub label_ids: Vec<i64>,
    /// Its custom attribute values, by key.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub custom_attributes: crate::attributes::model::AttributeValues,
}

impl ContactRow {
    /// What to call a contact without a name.
    pub fn display_name(&self) -> &str {
        if !self.name.trim().is_empty() {
            &self.name
        } else {
            self.email
                .as_deref()
                .or(self.phone.as_deref())
                .unwrap_or("—")
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub items: Vec<ContactRow>,
    pub next: Option<ContactCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub contact: ContactRow,
    /// Deletion is for administrators; the page offers it only to them.
    pub can_delete: bool,
    /// The account's labels on this contact, ascending.
    #[serde(default)]
    pub label_ids: Vec<i64>,
}

/// Longest note, in characters: a few paragraphs, not a document.
pub const NOTE_MAX_CHARS: usize = 5_000;

/// A note on a contact (Notas): what the team knows about the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactNote {
    pub id: i64,
    pub contact_id: i64,
    pub body: String,
    /// Its author (deactivated authors keep their name; none only if the agent row was
    /// erased).
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Whether the viewer may delete it: its author or an administrator.
    #[serde(default)]
    pub can_remove: bool,
}

/// A note's text as kept: trimmed, not empty, at most [`NOTE_MAX_CHARS`] characters;
/// the error is the validation code (the browser checks before sending, the server
/// again).
pub fn note_body(raw: &str) -> Result<String, &'static str> {
    let body = raw.trim();
    if body.is_empty() {
        Err("required")
    } else if body.contains('\0') {
        // PostgreSQL text cannot hold NUL; nobody types one.
        Err("invalid")
    } else if body.chars().count() > NOTE_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(body.to_owned())
    }
}

/// Keyset position in a contact's history: newest activity first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCursor {
    pub last_activity_at: Millis,
    pub id: i64,
}

/// A CSV row that cannot be imported: its line (1 = header) and the failed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    pub line: u64,
    pub field: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows stored; 0 whenever `errors` is not empty (a file is imported whole or not at all).
    pub imported: u64,
    pub errors: Vec<ImportRowError>,
}

/// An inbox the agent can start a conversation in, with the recipient that fits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChoice {
    pub id: i64,
    pub name: String,
    pub channel: ChannelKind,
    /// The contact's email (email inbox) or phone (WhatsApp inbox), when known.
    pub to: Option<String>,
    /// Approved, non-authentication templates (WhatsApp inboxes only).
    pub templates: Vec<TemplateView>,
}

/// The first message of a conversation an agent starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FirstMessage {
    Email {
        subject: String,
        body: String,
    },
    Template {
        template_id: i64,
        params: Vec<String>,
        /// The upload for a template's image, video or document header.
        #[serde(default)]
        header_file: Option<i64>,
    },
}

pub const SUBJECT_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// Newest activity first.
    pub items: Vec<crate::conversations::model::ConversationSummary>,
    pub next: Option<HistoryCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_present_and_bounded() {
        assert_eq!(
            note_body("  Prefiere WhatsApp \n"),
            Ok("Prefiere WhatsApp".into())
        );
        assert_eq!(note_body(" \n "), Err("required"));
        assert_eq!(note_body("a\0b"), Err("invalid"));
        assert!(note_body(&"ñ".repeat(NOTE_MAX_CHARS)).is_ok());
        assert_eq!(note_body(&"ñ".repeat(NOTE_MAX_CHARS + 1)), Err("too_long"));
    }
}
