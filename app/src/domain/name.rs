//! Names people and places are given in Charla (agents, inboxes, the account):
//! trimmed, required, and at most [`NAME_MAX_CHARS`].
use crate::error::AppError;

/// The longest name accepted.
pub const NAME_MAX_CHARS: usize = 120;

/// The trimmed name, or a validation error on `field`.
pub fn clean_name(name: &str, field: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation(field, "required"));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(AppError::validation(field, "too_long"));
    }
    Ok(name.to_owned())
}
