//! Phone numbers, stored E.164. The authoritative parse uses libphonenumber's metadata
//! (the `phonenumber` crate) on the server; the client only checks the shape, because
//! that metadata would add hundreds of kilobytes to the WASM bundle.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Invalid,
}

impl PhoneError {
    pub fn code(self) -> &'static str {
        match self {
            PhoneError::Empty => "required",
            PhoneError::Invalid => "invalid",
        }
    }
}

/// Characters people type between digits: "+34 (600) 12-34.56 / 78".
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}')
}

impl PhoneNumber {
    /// The shape check shared with the browser: an optional leading `+`, separators,
    /// and 6 to 15 digits (E.164's maximum).
    pub fn plausible(input: &str) -> Result<(), PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let rest = trimmed.strip_prefix('+').unwrap_or(trimmed);
        let mut digits = 0;
        for c in rest.chars() {
            if c.is_ascii_digit() {
                digits += 1;
            } else if !is_separator(c) {
                return Err(PhoneError::Invalid);
            }
        }
        if (6..=15).contains(&digits) {
            Ok(())
        } else {
            Err(PhoneError::Invalid)
        }
    }

    /// Parses a number typed in any common format; a national number is read in
    /// `default_country` (ISO 3166 alpha-2, e.g. "ES").
    #[cfg(feature = "ssr")]
    pub fn parse(input: &str, default_country: &str) -> Result<Self, PhoneError> {
        Self::plausible(input)?;
        let country = default_country.trim().to_uppercase().parse().ok();
        let number = phonenumber::parse(country, input.trim()).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        Ok(PhoneNumber(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// The ISO country (`ES`) of a number in E.164, when the numbering plan tells.
    #[cfg(feature = "ssr")]
    pub fn country_of(e164: &str) -> Option<String> {
        let number = phonenumber::parse(None, e164.trim()).ok()?;
        number.country().id().map(|id| id.as_ref().to_owned())
    }

    /// The number WhatsApp gives (`wa_id`: country code and number, digits only). WhatsApp
    /// has already verified it, so it is kept even where libphonenumber's metadata does
    /// not know the range yet: E.164 from the digits (at most 15, no leading 0).
    pub fn from_wa_id(wa_id: &str) -> Option<Self> {
        let digits = wa_id.trim().trim_start_matches('+');
        let shaped = (4..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        shaped.then(|| PhoneNumber(format!("+{digits}")))
    }

    /// A value already stored as E.164.
    pub fn from_e164(stored: String) -> Self {
        PhoneNumber(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without `+`: what WhatsApp calls the `wa_id`, and what search indexes.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_check_accepts_common_formats() {
        for ok in [
            "+34 600 12 34 56",
            "600-123-456",
            "(600) 123 456",
            "0034600123456",
        ] {
            assert_eq!(PhoneNumber::plausible(ok), Ok(()), "{ok}");
        }
        assert_eq!(PhoneNumber::plausible("  "), Err(PhoneError::Empty));
        for bad in [
            "12345",
            "600 123 abc",
            "+34 600 123 456 789 012",
            "++34600123456",
        ] {
            assert_eq!(
                PhoneNumber::plausible(bad),
                Err(PhoneError::Invalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn whatsapp_numbers_are_kept_as_given() {
        assert_eq!(
            PhoneNumber::from_wa_id("999123456789").unwrap().as_str(),
            "+999123456789"
        );
        assert_eq!(PhoneNumber::from_wa_id("2125").unwrap().as_str(), "+2125");
        for bad in ["", "012345", "12a456", "1234567890123456", "+"] {
            assert_eq!(PhoneNumber::from_wa_id(bad), None, "{bad}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn parses_to_e164_with_a_default_country() {
        for input in [
            "600 12 34 56",
            "+34 600-12-34-56",
            "0034 600123456",
            "(600) 123 456",
        ] {
            let phone = PhoneNumber::parse(input, "ES").unwrap();
            assert!(phone.as_str().starts_with("+34600"), "{input} → {phone}");
        }
        assert_eq!(
            PhoneNumber::parse("+1 415 555 2671", "ES")
                .unwrap()
                .as_str(),
            "+14155552671"
        );
        assert_eq!(
            PhoneNumber::parse("600 12 34 56", "ES").unwrap().digits(),
            "34600123456"
        );
        // Plausible shape, but no such number in Spain's numbering plan.
        assert_eq!(
            PhoneNumber::parse("000 000 000", "ES"),
            Err(PhoneError::Invalid)
        );
    }
}
