//! Satisfaction surveys (CSAT): an inbox's switch and wording, and what a customer's
//! answer may be. Shared by the settings form, the widget's card, the public page and
//! the server.
use serde::{Deserialize, Serialize};

pub const QUESTION_MAX_CHARS: usize = 500;
pub const COMMENT_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsatSettings {
    pub enabled: bool,
    /// The question the customer reads; empty: the default one.
    #[serde(default)]
    pub question: String,
}

/// The question when an inbox has none of its own.
pub const DEFAULT_QUESTION: &str = "¿Cómo valorarías la atención que has recibido?";

impl CsatSettings {
    /// Normalised settings, or the failed rule as (field, code).
    pub fn checked(&self) -> Result<CsatSettings, (&'static str, &'static str)> {
        let question = self.question.trim().to_owned();
        if question.chars().count() > QUESTION_MAX_CHARS {
            return Err(("question", "too_long"));
        }
        Ok(CsatSettings {
            enabled: self.enabled,
            question,
        })
    }

    pub fn question_text(&self) -> &str {
        match self.question.trim() {
            "" => DEFAULT_QUESTION,
            q => q,
        }
    }
}

/// A survey as its public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyState {
    pub inbox_name: String,
    pub question: String,
    pub rating: Option<u8>,
    pub comment: String,
}

/// The id a rating's choice carries where the customer picks it from a list
/// (WhatsApp's interactive list).
pub fn choice_id(rating: u8) -> String {
    format!("csat:{rating}")
}

/// The rating a choice id names, if it is one.
pub fn rating_of_choice(id: &str) -> Option<u8> {
    id.strip_prefix("csat:")
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=5).contains(n))
}

/// A customer's answer: a rating from 1 to 5 and an optional comment (trimmed).
pub fn check_answer(rating: u8, comment: &str) -> Result<String, (&'static str, &'static str)> {
    if !(1..=5).contains(&rating) {
        return Err(("rating", "invalid"));
    }
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX_CHARS {
        return Err(("comment", "too_long"));
    }
    Ok(comment.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_one_to_five_with_a_short_comment() {
        assert_eq!(check_answer(5, "  ¡Genial!  ").unwrap(), "¡Genial!");
        assert_eq!(check_answer(1, "").unwrap(), "");
        assert_eq!(check_answer(0, ""), Err(("rating", "invalid")));
        assert_eq!(check_answer(6, ""), Err(("rating", "invalid")));
        let long = "a".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(check_answer(3, &long), Err(("comment", "too_long")));
    }

    #[test]
    fn an_empty_question_is_the_default_one() {
        let settings = CsatSettings {
            enabled: true,
            question: "  ".into(),
        };
        assert_eq!(
            settings.checked().unwrap().question_text(),
            DEFAULT_QUESTION
        );
        let long = CsatSettings {
            enabled: true,
            question: "x".repeat(QUESTION_MAX_CHARS + 1),
        };
        assert!(long.checked().is_err());
    }
}
