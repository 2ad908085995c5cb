//! Custom attributes (Atributos personalizados): fields an administrator adds to
//! contacts or conversations (a plan, an order number, a renewal date), each with a
//! type that decides how agents enter it and which values it takes. Named and numbered
//! as Chatwoot's, so its API clients read and write them unchanged.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What an attribute belongs to. Chatwoot's numbers: 0 conversation, 1 contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeModel {
    Conversation,
    Contact,
}

impl AttributeModel {
    pub const ALL: [AttributeModel; 2] = [AttributeModel::Contact, AttributeModel::Conversation];

    /// Chatwoot's name (`conversation_attribute`, `contact_attribute`).
    pub fn chatwoot_name(self) -> &'static str {
        match self {
            AttributeModel::Conversation => "conversation_attribute",
            AttributeModel::Contact => "contact_attribute",
        }
    }

    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            AttributeModel::Conversation => "conversation",
            AttributeModel::Contact => "contact",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "conversation" => Some(AttributeModel::Conversation),
            "contact" => Some(AttributeModel::Contact),
            _ => None,
        }
    }

    /// From a client: Chatwoot's name or number, or Charla's key.
    pub fn parse(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => match n.as_i64()? {
                0 => Some(AttributeModel::Conversation),
                1 => Some(AttributeModel::Contact),
                _ => None,
            },
            Value::String(s) => match s.trim() {
                "0" | "conversation_attribute" | "conversation" => {
                    Some(AttributeModel::Conversation)
                }
                "1" | "contact_attribute" | "contact" => Some(AttributeModel::Contact),
                _ => None,
            },
            _ => None,
        }
    }
}

/// How an attribute is entered and what it holds. Chatwoot's numbers, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    Text,
    Number,
    Currency,
    Percent,
    Link,
    Date,
    List,
    Checkbox,
}

impl AttributeType {
    pub const ALL: [AttributeType; 8] = [
        AttributeType::Text,
        AttributeType::Number,
        AttributeType::Currency,
        AttributeType::Percent,
        AttributeType::Link,
        AttributeType::Date,
        AttributeType::List,
        AttributeType::Checkbox,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AttributeType::Text => "text",
            AttributeType::Number => "number",
            AttributeType::Currency => "currency",
            AttributeType::Percent => "percent",
            AttributeType::Link => "link",
            AttributeType::Date => "date",
            AttributeType::List => "list",
            AttributeType::Checkbox => "checkbox",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    /// From a client: the name or Chatwoot's number (0 text … 7 checkbox).
    pub fn parse(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => Self::ALL.get(usize::try_from(n.as_u64()?).ok()?).copied(),
            Value::String(s) => match s.trim().parse::<usize>() {
                Ok(i) => Self::ALL.get(i).copied(),
                Err(_) => Self::from_key(s.trim()),
            },
            _ => None,
        }
    }

    /// Compared as numbers in filters and sorted as numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            AttributeType::Number | AttributeType::Currency | AttributeType::Percent
        )
    }
}

/// An attribute an administrator defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDefinition {
    pub id: i64,
    pub model: AttributeModel,
    /// The name in the stored values and the API (`plan`, `order_number`).
    pub key: String,
    pub display_name: String,
    pub display_type: AttributeType,
    #[serde(default)]
    pub description: String,
    /// A list's choices, in the order offered.
    #[serde(default)]
    pub values: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A contact's or a conversation's values, by key.
pub type AttributeValues = Map<String, Value>;

pub const KEY_MAX_CHARS: usize = 50;
pub const NAME_MAX_CHARS: usize = 80;
pub const DESCRIPTION_MAX_CHARS: usize = 200;
pub const LIST_MAX_VALUES: usize = 50;
pub const LIST_VALUE_MAX_CHARS: usize = 80;
/// A text value's longest; a longer note belongs in a private note.
pub const TEXT_MAX_CHARS: usize = 1000;
/// The most attributes one contact or conversation carries.
pub const MAX_PER_ITEM: usize = 50;

/// A key as Chatwoot derives it from a name: lower case, words joined by `_`; ASCII
/// letters, digits and `_`, starting with a letter. Errors: `required`, `too_long`,
/// `invalid`.
pub fn parse_key(input: &str) -> Result<String, &'static str> {
    let key = input.trim().to_lowercase().replace([' ', '-'], "_");
    if key.is_empty() {
        Err("required")
    } else if key.chars().count() > KEY_MAX_CHARS {
        Err("too_long")
    } else if key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(key)
    } else {
        Err("invalid")
    }
}

/// The key a name suggests: accents dropped, other characters left out.
pub fn key_from_name(name: &str) -> String {
    let folded: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_whitespace() || c == '-' => '_',
            c => c,
        })
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    folded
        .trim_start_matches(|c: char| !c.is_ascii_lowercase())
        .chars()
        .take(KEY_MAX_CHARS)
        .collect()
}

pub fn parse_display_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        Err("required")
    } else if name.chars().count() > NAME_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(name.to_owned())
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

/// A list's choices: trimmed, blanks and repeats dropped; a list needs one. Other
/// types keep none.
pub fn parse_list_values(
    display_type: AttributeType,
    input: &[String],
) -> Result<Vec<String>, &'static str> {
    if display_type != AttributeType::List {
        return Ok(Vec::new());
    }
    let mut values: Vec<String> = Vec::new();
    for value in input.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if value.chars().count() > LIST_VALUE_MAX_CHARS {
            return Err("too_long");
        }
        if !values.iter().any(|v| v == value) {
            values.push(value.to_owned());
        }
    }
    if values.is_empty() {
        Err("required")
    } else if values.len() > LIST_MAX_VALUES {
        Err("too_many")
    } else {
        Ok(values)
    }
}

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
                // Chatwoot's clients send a date or a full ISO timestamp; the day is kept.
                let day = text.get(..10).ok_or("invalid")?;
                if !is_date(day) || (text.len() > 10 && !text[10..].starts_with('T')) {
                    return Err("invalid");
                }
                Value::String(day.to_owned())
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

/// A value for a key nobody defined (an API client's own): kept as sent when it is
/// one plain value (text, number, true/false); objects and lists are refused.
pub fn parse_undefined(value: &Value) -> Result<Option<Value>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.contains('\0') => Err("invalid"),
        Value::String(s) if s.chars().count() > TEXT_MAX_CHARS => Err("too_long"),
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(Some(value.clone())),
        _ => Err("invalid"),
    }
}

#[cfg(test)]
mod tests;
