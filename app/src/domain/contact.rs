//! The contact rules shared by the form (instant errors) and the server (authoritative):
//! a contact needs an email or a phone; each given value must be valid.
use serde::{Deserialize, Serialize};

use super::{EmailAddress, PhoneNumber};

pub const NAME_MAX_CHARS: usize = 120;
pub const COMPANY_MAX_CHARS: usize = 120;

/// What the form sends (and what a CSV row holds): raw text, validated here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
}

/// One failed rule: the field and a stable code the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        }
    }
}

/// The rule of S9: an email or a phone is required.
pub const EMAIL_OR_PHONE: &str = "email_or_phone_required";

impl ContactInput {
    /// Every rule the browser can check; an empty list means the form may be sent.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let email = self.email.trim();
        let phone = self.phone.trim();
        if email.is_empty() && phone.is_empty() {
            errors.push(FieldError::new("email", EMAIL_OR_PHONE));
            errors.push(FieldError::new("phone", EMAIL_OR_PHONE));
        }
        if !email.is_empty() {
            if let Err(err) = EmailAddress::parse(email) {
                errors.push(FieldError::new("email", err.code()));
            }
        }
        if !phone.is_empty() {
            if let Err(err) = PhoneNumber::plausible(phone) {
                errors.push(FieldError::new("phone", err.code()));
            }
        }
        if self.name.trim().chars().count() > NAME_MAX_CHARS {
            errors.push(FieldError::new("name", "too_long"));
        }
        if self.company.trim().chars().count() > COMPANY_MAX_CHARS {
            errors.push(FieldError::new("company", "too_long"));
        }
        errors
    }

    /// The server's parse: the same rules plus the phone numbering plan.
    #[cfg(feature = "ssr")]
    pub fn validate(&self, default_country: &str) -> Result<ValidContact, FieldError> {
        if let Some(first) = self.check().into_iter().next() {
            return Err(first);
        }
        let email = Some(self.email.trim())
            .filter(|e| !e.is_empty())
            .map(EmailAddress::parse)
            .transpose()
            .map_err(|e| FieldError::new("email", e.code()))?;
        let phone = Some(self.phone.trim())
            .filter(|p| !p.is_empty())
            .map(|p| PhoneNumber::parse(p, default_country))
            .transpose()
            .map_err(|e| FieldError::new("phone", e.code()))?;
        let company = Some(self.company.trim().to_owned()).filter(|c| !c.is_empty());
        Ok(ValidContact {
            name: self.name.trim().to_owned(),
            email,
            phone,
            company,
        })
    }
}

/// A contact that passed every rule, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidContact {
    pub name: String,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
    pub company: Option<String>,
}

impl ValidContact {
    /// What the list sorts "by name" on: the folded name, else the email or phone.
    pub fn sort_name(&self) -> String {
        sort_name(
            &self.name,
            self.email.as_ref().map(EmailAddress::as_str),
            self.phone.as_ref().map(PhoneNumber::as_str),
        )
    }

    pub fn search_text(&self) -> String {
        contact_search_text(
            &self.name,
            self.email.as_ref().map(EmailAddress::as_str),
            self.phone.as_ref().map(PhoneNumber::digits),
        )
    }
}

pub fn sort_name(name: &str, email: Option<&str>, phone: Option<&str>) -> String {
    let key = if name.trim().is_empty() {
        email.or(phone).unwrap_or_default()
    } else {
        name.trim()
    };
    super::search_text(&[Some(key)])
}

/// Name first (so a prefix query matches the start of the name), then email, then the
/// phone's digits (so "600 12" and "+34600" find "+34600123456").
pub fn contact_search_text(name: &str, email: Option<&str>, phone_digits: Option<&str>) -> String {
    super::search_text(&[Some(name.trim()), email, phone_digits])
}

/// The longest identifier another system may give a contact (Chatwoot's limit).
pub const IDENTIFIER_MAX_CHARS: usize = 255;

/// A contact's identifier in the customer's own systems, as sent: trimmed, and empty
/// clears it. It is compared exactly and shown to agents, so control characters are
/// refused rather than stored.
pub fn parse_identifier(sent: &str) -> Result<Option<String>, FieldError> {
    let trimmed = sent.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > IDENTIFIER_MAX_CHARS {
        return Err(FieldError::new("identifier", "too_long"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new("identifier", "invalid"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// A search box's text turned into fragments that must all occur in `search_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactQuery {
    pub terms: Vec<String>,
}

impl ContactQuery {
    pub const MAX_CHARS: usize = 100;

    /// `None` when there is nothing to search for. A query that looks like a phone
    /// number becomes its digits (without an international `00` or a trunk `0`).
    pub fn parse(input: &str) -> Option<ContactQuery> {
        let input: String = input.trim().chars().take(Self::MAX_CHARS).collect();
        if input.is_empty() {
            return None;
        }
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        let phone_like = digits.len() >= 3
            && input
                .trim_start_matches('+')
                .chars()
                .all(|c| c.is_ascii_digit() || is_phone_separator(c));
        if phone_like {
            let digits = digits
                .strip_prefix("00")
                .or_else(|| digits.strip_prefix('0'))
                .unwrap_or(&digits)
                .to_owned();
            return Some(ContactQuery {
                terms: vec![digits],
            });
        }
        let folded = super::search_text(&[Some(&input)]);
        let terms: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
        (!terms.is_empty()).then_some(ContactQuery { terms })
    }

    /// Fragments of three or more characters can use a trigram index.
    pub fn indexed_terms(&self) -> impl Iterator<Item = &str> {
        self.terms
            .iter()
            .map(String::as_str)
            .filter(|t| t.chars().count() >= 3)
    }
}

/// Deleting a contact is confirmed by typing its name as shown (S13).
pub fn confirms_deletion(typed: &str, display_name: &str) -> bool {
    let typed = typed.trim();
    !typed.is_empty() && typed == display_name.trim()
}

fn is_phone_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str, phone: &str) -> ContactInput {
        ContactInput {
            name: name.into(),
            email: email.into(),
            phone: phone.into(),
            company: String::new(),
        }
    }

    #[test]
    fn email_or_phone_is_required() {
        let errors = input("Ana", "", "  ").check();
        assert!(errors.contains(&FieldError::new("email", EMAIL_OR_PHONE)));
        assert!(errors.contains(&FieldError::new("phone", EMAIL_OR_PHONE)));
        assert!(input("", "ana@example.com", "").check().is_empty());
        assert!(input("", "", "600 123 456").check().is_empty());
    }

    #[test]
    fn each_given_value_must_be_valid() {
        assert_eq!(
            input("Ana", "ana@", "").check(),
            vec![FieldError::new("email", "invalid")]
        );
        assert_eq!(
            input("Ana", "", "abc").check(),
            vec![FieldError::new("phone", "invalid")]
        );
        assert_eq!(
            input(&"a".repeat(121), "a@b.es", "").check(),
            vec![FieldError::new("name", "too_long")]
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_normalises_what_it_stores() {
        let valid = input(" José Núñez ", "Jose@Example.COM", "600 12 34 56")
            .validate("ES")
            .unwrap();
        assert_eq!(valid.email.unwrap().as_str(), "jose@example.com");
        assert_eq!(valid.phone.as_ref().unwrap().as_str(), "+34600123456");
        assert_eq!(valid.name, "José Núñez");
        assert_eq!(
            input("", "", "000 000 000").validate("ES"),
            Err(FieldError::new("phone", "invalid"))
        );
    }

    #[test]
    fn queries_fold_accents_and_read_phones() {
        assert_eq!(
            ContactQuery::parse("  JOSÉ nú ").unwrap().terms,
            ["jose", "nu"]
        );
        assert_eq!(
            ContactQuery::parse("+34 600 12").unwrap().terms,
            ["3460012"]
        );
        assert_eq!(
            ContactQuery::parse("(600) 12-34").unwrap().terms,
            ["6001234"]
        );
        assert_eq!(ContactQuery::parse("0034 600").unwrap().terms, ["34600"]);
        assert_eq!(ContactQuery::parse("06 12 34").unwrap().terms, ["61234"]);
        assert_eq!(ContactQuery::parse("ana@exa").unwrap().terms, ["ana@exa"]);
        assert_eq!(ContactQuery::parse("12").unwrap().terms, ["12"]);
        assert!(ContactQuery::parse("   ").is_none());
    }

    #[test]
    fn deletion_needs_the_exact_name() {
        assert!(confirms_deletion(" José Martínez ", "José Martínez"));
        assert!(!confirms_deletion("jose martinez", "José Martínez"));
        assert!(!confirms_deletion("", ""));
    }

    #[test]
    fn sort_and_search_keys() {
        assert_eq!(sort_name("Ñandú", None, None), "nandu");
        assert_eq!(sort_name(" ", Some("a@b.es"), None), "a@b.es");
        assert_eq!(
            contact_search_text("José", Some("j@x.es"), Some("34600")),
            "jose j@x.es 34600"
        );
    }

    #[test]
    fn identifiers_are_trimmed_cleared_and_bounded() {
        assert_eq!(
            parse_identifier("  shop-42 "),
            Ok(Some("shop-42".to_owned()))
        );
        assert_eq!(parse_identifier("   "), Ok(None));
        assert_eq!(
            parse_identifier(&"x".repeat(IDENTIFIER_MAX_CHARS)),
            Ok(Some("x".repeat(IDENTIFIER_MAX_CHARS)))
        );
        assert_eq!(
            parse_identifier(&"x".repeat(IDENTIFIER_MAX_CHARS + 1)),
            Err(FieldError::new("identifier", "too_long"))
        );
        assert_eq!(
            parse_identifier("a\u{0}b"),
            Err(FieldError::new("identifier", "invalid"))
        );
    }
}
