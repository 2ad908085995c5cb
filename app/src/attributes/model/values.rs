//! A value checked against its attribute's type, and values under keys nobody
//! defined.
use serde_json::Value;

use super::{AttributeDefinition, AttributeType, TEXT_MAX_CHARS};

impl AttributeDefinition {
    /// A value for this attribute as it is stored, from what a client sent (JSON) or an
    /// agent typed (a string): numbers as numbers, a checkbox as true/false, a date as
    /// `YYYY-MM-DD`, a link as an http(s) URL, a list's value one of its choices.
    /// `Ok(None)`: empty, the attribute is cleared. Errors: `invalid`, `too_long`.
    pub fn parse_value(&self, value: &Value) -> Result<Option<Value>, &'static str> {
        if value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        // PostgreSQL's JSON takes no NUL, and no field means one.
        if value.as_str().is_some_and(|s| s.contains('\0')) {
            return Err("invalid");
        }
        let text = || match value {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let parsed = match self.display_type {
            AttributeType::Text => {
                let text = text().ok_or("invalid")?;
                if text.chars().count() > TEXT_MAX_CHARS {
                    return Err("too_long");
                }
                Value::String(text)
            }
            t if t.is_numeric() => {
                let number = match value {
                    Value::Number(n) => n.clone(),
                    Value::String(s) => number_of(s).ok_or("invalid")?,
                    _ => return Err("invalid"),
                };
                Value::Number(number)
            }
            AttributeType::Link => {
                let text = text().ok_or("invalid")?;
                let lower = text.to_ascii_lowercase();
                let rest = lower
                    .strip_prefix("https://")
                    .or_else(|| lower.strip_prefix("http://"))
                    .ok_or("invalid")?;
                if rest.is_empty() || text.chars().any(char::is_whitespace) {
                    return Err("invalid");
                }
                if text.chars().count() > TEXT_MAX_CHARS {
                    return Err("too_long");
                }
                Value::String(text)
            }
            AttributeType::Date => {
                let text = text().ok_or("invalid")?;
                // Chatwoot's clients send a date or a full ISO timestamp (its own
                // dashboard does): kept as sent, compared and shown by its day.
                let day = text.get(..10).ok_or("invalid")?;
                if !is_date(day) || (text.len() > 10 && !text[10..].starts_with('T')) {
                    return Err("invalid");
                }
                if text.chars().count() > 40 {
                    return Err("invalid");
                }
                Value::String(text)
            }
            AttributeType::List => {
                let text = text().ok_or("invalid")?;
                if !self.values.contains(&text) {
                    return Err("invalid");
                }
                Value::String(text)
            }
            AttributeType::Checkbox => match value {
                Value::Bool(b) => Value::Bool(*b),
                Value::String(s) if s.trim() == "true" => Value::Bool(true),
                Value::String(s) if s.trim() == "false" => Value::Bool(false),
                _ => return Err("invalid"),
            },
            _ => unreachable!("numeric types are matched above"),
        };
        Ok(Some(parsed))
    }
}

/// A decimal number as typed (`12`, `-3.5`, `1,5` with a decimal comma).
fn number_of(text: &str) -> Option<serde_json::Number> {
    let text = text.trim().replace(',', ".");
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f)
}

/// `YYYY-MM-DD`, a real day.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    if !text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// A value shown to an agent, as she would type it.
pub fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The most a value under a key nobody defined takes, as JSON text.
pub const UNDEFINED_MAX_CHARS: usize = 4000;

/// A value for a key nobody defined (an API client's own): kept as sent, whatever
/// JSON it is (as Chatwoot keeps it), up to [`UNDEFINED_MAX_CHARS`]; `null` clears it.
pub fn parse_undefined(value: &Value) -> Result<Option<Value>, &'static str> {
    if value.is_null() {
        return Ok(None);
    }
    let text = value.to_string();
    if text.contains("\\u0000") {
        // PostgreSQL's JSON takes no NUL.
        Err("invalid")
    } else if text.chars().count() > UNDEFINED_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(Some(value.clone()))
    }
}

/// A date value's day (`YYYY-MM-DD`), as the date field shows it.
pub fn day_of(value: &str) -> &str {
    value.get(..10).unwrap_or(value)
}
