//! What rules are read from: an action as stored and sent, and the small readers of
//! Chatwoot's loosely typed values (ids and texts as numbers or strings).
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const TEXT_MAX_CHARS: usize = 4000;

/// An action as stored and sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionInput {
    pub action_name: String,
    #[serde(default)]
    pub action_params: Vec<Value>,
}

pub(crate) type Refusal = (&'static str, &'static str);

pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("id").and_then(id_of),
        _ => None,
    }
}
