//! A team (Equipo): a name, a description and its members; a conversation may belong
//! to one team, whose queue it is in.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The members' agent ids, ascending.
    #[serde(default)]
    pub member_ids: Vec<i64>,
}

pub const NAME_MAX_CHARS: usize = 60;
pub const DESCRIPTION_MAX_CHARS: usize = 200;

/// Trimmed, inner runs of spaces made one; `required` or `too_long` otherwise.
pub fn parse_name(input: &str) -> Result<String, &'static str> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err("required")
    } else if name.chars().count() > NAME_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(name)
    }
}

pub fn parse_description(input: &str) -> Result<String, &'static str> {
    let text = input.trim();
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names_are_tidied_and_bounded() {
        assert_eq!(
            parse_name("  Cobros   y  pagos "),
            Ok("Cobros y pagos".into())
        );
        assert_eq!(parse_name(" \t "), Err("required"));
        assert_eq!(parse_name(&"é".repeat(60)), Ok("é".repeat(60)));
        assert_eq!(parse_name(&"é".repeat(61)), Err("too_long"));
        assert_eq!(parse_description(&"a".repeat(201)), Err("too_long"));
        assert_eq!(parse_description(" Facturas "), Ok("Facturas".into()));
    }
}
