//! Canned responses: short codes and the `{{contact.name}}`-style variables filled in
//! when one is inserted in the composer (in the browser, from the open conversation).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub id: i64,
    pub short_code: String,
    pub content: String,
}

pub const SHORT_CODE_MAX_CHARS: usize = 32;

/// Variables a canned response may use.
pub const VARIABLES: &[&str] = &[
    "contact.name",
    "contact.email",
    "contact.phone",
    "agent.name",
    "conversation.id",
];

/// A short code: lower-case letters, digits, `-` and `_`, 1 to 32 of them (a leading
/// `/` is dropped). Errors carry `required` or `invalid`.
pub fn parse_short_code(input: &str) -> Result<String, &'static str> {
    let code = input.trim().trim_start_matches('/').to_lowercase();
    if code.is_empty() {
        return Err("required");
    }
    let ok = code.chars().count() <= SHORT_CODE_MAX_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(code)
    } else {
        Err("invalid")
    }
}

/// Replaces `{{ name }}` for each known variable; a variable without a value becomes
/// empty, an unknown one is left as written.
pub fn fill_variables(text: &str, values: &[(&str, String)]) -> String {
    super::fill_placeholders(text, |name| match values.iter().find(|(n, _)| *n == name) {
        Some((_, value)) => Some(value.clone()),
        None if VARIABLES.contains(&name) => Some(String::new()),
        None => None,
    })
}

/// The partial code after a `/` that starts the text or follows whitespace ("Hola /gra"
/// → "gra").
pub fn trailing_slash_command(text: &str) -> Option<String> {
    let slash = text.rfind('/')?;
    let before_ok = slash == 0 || text[..slash].ends_with(char::is_whitespace);
    let query = &text[slash + 1..];
    (before_ok
        && !query.contains(char::is_whitespace)
        && query.chars().count() <= SHORT_CODE_MAX_CHARS)
        .then(|| query.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_filled() {
        let values = [
            ("contact.name", "Ana".to_owned()),
            ("agent.name", "Lucía".to_owned()),
        ];
        assert_eq!(
            fill_variables(
                "Hola {{contact.name}}, soy {{ agent.name }}. {{contact.email}}{{otro}}",
                &values
            ),
            "Hola Ana, soy Lucía. {{otro}}"
        );
        assert_eq!(
            fill_variables("sin cierre {{contact.name", &values),
            "sin cierre {{contact.name"
        );
    }

    #[test]
    fn short_codes_and_the_slash_command() {
        assert_eq!(parse_short_code(" /Gracias "), Ok("gracias".into()));
        assert_eq!(parse_short_code("con espacio"), Err("invalid"));
        assert_eq!(parse_short_code("/"), Err("required"));
        assert_eq!(trailing_slash_command("/gra").as_deref(), Some("gra"));
        assert_eq!(trailing_slash_command("Hola /").as_deref(), Some(""));
        assert_eq!(trailing_slash_command("24/11"), None);
        assert_eq!(trailing_slash_command("/gracias y más"), None);
    }
}
