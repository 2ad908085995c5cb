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

/// A key as sent, under Chatwoot's rule: letters (any script, any case), digits, `_`,
/// `.` and `-`, nothing else (an API client writes values under the exact key it
/// created). Errors: `required`, `too_long`, `invalid`.
pub fn parse_key(input: &str) -> Result<String, &'static str> {
    let key = input.trim();
    if key.is_empty() {
        Err("required")
    } else if key.chars().count() > KEY_MAX_CHARS {
        Err("too_long")
    } else if key
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        Ok(key.to_owned())
    } else {
        Err("invalid")
    }
}

/// The fields a contact or a conversation has of its own, which filters and the API
/// name: an attribute may not take one as its key (Chatwoot refuses them too).
pub fn is_standard_key(model: AttributeModel, key: &str) -> bool {
    const CONTACT: &[&str] = &[
        "name",
        "email",
        "phone_number",
        "identifier",
        "company",
        "company_name",
        "country_code",
        "city",
        "created_at",
        "last_activity_at",
        "referer",
        "blocked",
        "labels",
    ];
    const CONVERSATION: &[&str] = &[
        "status",
        "assignee_id",
        "inbox_id",
        "team_id",
        "contact_id",
        "display_id",
        "priority",
        "labels",
        "browser_language",
        "country_code",
        "referer",
        "campaign_id",
        "created_at",
        "last_activity_at",
        "mail_subject",
    ];
    let standard = match model {
        AttributeModel::Contact => CONTACT,
        AttributeModel::Conversation => CONVERSATION,
    };
    standard.contains(&key.to_lowercase().as_str())
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

pub mod values;

#[cfg(test)]
mod tests;
