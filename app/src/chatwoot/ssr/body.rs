//! Reading a Chatwoot request body loosely, as Chatwoot's controllers do: its fields at
//! the top or wrapped under the resource's name, each optional, a wrong type refused
//! naming the field.
use serde_json::Value;

use crate::error::AppError;

/// The body's fields: those under `wrapper` when it is an object there, else the body.
pub fn fields<'a>(body: &'a Value, wrapper: &str) -> Result<&'a Value, AppError> {
    let fields = body.get(wrapper).filter(|v| v.is_object()).unwrap_or(body);
    if fields.is_object() {
        Ok(fields)
    } else {
        Err(AppError::validation("body", "invalid"))
    }
}

/// One field, `None` when absent or null.
pub fn field<T: serde::de::DeserializeOwned>(
    fields: &Value,
    key: &'static str,
) -> Result<Option<T>, AppError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|_| AppError::validation(key, "invalid")),
    }
}
