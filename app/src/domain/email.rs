//! Email addresses, parsed once (RFC 5321/5322 syntax via the `email_address` crate)
//! and stored lower-cased so uniqueness and sign-in ignore case.
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    Invalid,
}

impl EmailError {
    pub fn code(self) -> &'static str {
        match self {
            EmailError::Empty => "required",
            EmailError::Invalid => "invalid",
        }
    }
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Display-name forms ("Ana <ana@x>") are for mail headers, not for a field.
        let parsed =
            email_address::EmailAddress::from_str(trimmed).map_err(|_| EmailError::Invalid)?;
        if parsed.as_str() != parsed.email() || !parsed.domain().contains('.') {
            return Err(EmailError::Invalid);
        }
        Ok(EmailAddress(parsed.email().to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_addresses() {
        let email = EmailAddress::parse("  Lucia@Charla.Local ").unwrap();
        assert_eq!(email.as_str(), "lucia@charla.local");
    }

    #[test]
    fn rejects_empty_and_malformed_input() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        assert_eq!(EmailAddress::parse("lucia"), Err(EmailError::Invalid));
        assert_eq!(EmailAddress::parse("lucia@"), Err(EmailError::Invalid));
        assert_eq!(
            EmailAddress::parse("lucia@localhost"),
            Err(EmailError::Invalid)
        );
        assert_eq!(
            EmailAddress::parse("Lucía <lucia@x.es>"),
            Err(EmailError::Invalid)
        );
    }
}
