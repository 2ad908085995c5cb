//! Values against definitions: a defined key's value is checked and normalised by its
//! type; a key nobody defined (an API client's own) keeps one plain value.
use serde_json::Value;

use super::list_on;
use crate::attributes::model::values::parse_undefined;
use crate::attributes::model::{
    AttributeDefinition, AttributeModel, AttributeValues, MAX_PER_ITEM,
};
use crate::db::WriteTx;
use crate::error::AppError;

/// How a write changes the values.
pub enum Change {
    /// Sets the keys given (an empty or null value clears its key), keeps the rest:
    /// Chatwoot's contact update, the dashboard's editor.
    Merge(AttributeValues),
    /// Exactly these: Chatwoot's `POST conversations/{id}/custom_attributes`.
    Replace(AttributeValues),
    /// Drops these keys: Chatwoot's `destroy_custom_attributes`.
    Remove(Vec<String>),
}

/// The stored JSON object (anything else reads as none).
pub fn read_values(stored: &str) -> AttributeValues {
    match serde_json::from_str::<Value>(stored) {
        Ok(Value::Object(map)) => map,
        _ => AttributeValues::new(),
    }
}

/// The values after `change`, checked in the caller's transaction (a definition
/// changed meanwhile is the one applied). Errors name the field
/// `custom_attributes.<key>`.
pub async fn apply_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    model: AttributeModel,
    current: AttributeValues,
    change: Change,
) -> Result<AttributeValues, AppError> {
    let (values, sent) = match change {
        Change::Remove(keys) => {
            let mut values = current;
            for key in keys {
                values.remove(&key);
            }
            return Ok(values);
        }
        Change::Merge(sent) => (current, sent),
        Change::Replace(sent) => (AttributeValues::new(), sent),
    };
    let definitions = list_on(tx.conn(), account_id, Some(model)).await?;
    merged(values, sent, &definitions)
}

/// Whether `sent` would be taken (before something is created to carry the values).
pub async fn check(
    db: &crate::db::Db,
    account_id: i64,
    model: AttributeModel,
    sent: &AttributeValues,
) -> Result<(), AppError> {
    let definitions = super::list(db, account_id, Some(model)).await?;
    merged(AttributeValues::new(), sent.clone(), &definitions).map(|_| ())
}

fn merged(
    mut values: AttributeValues,
    sent: AttributeValues,
    definitions: &[AttributeDefinition],
) -> Result<AttributeValues, AppError> {
    for (key, value) in sent {
        let field = format!("custom_attributes.{key}");
        if key.trim().is_empty()
            || key.chars().count() > crate::attributes::model::KEY_MAX_CHARS
            || key.chars().any(char::is_control)
        {
            return Err(AppError::validation(&field, "invalid"));
        }
        let parsed = match definitions.iter().find(|d| d.key == key) {
            Some(definition) => definition.parse_value(&value),
            None => parse_undefined(&value),
        }
        .map_err(|code| AppError::validation(&field, code))?;
        match parsed {
            Some(value) => values.insert(key, value),
            None => values.remove(&key),
        };
    }
    if values.len() > MAX_PER_ITEM {
        return Err(AppError::validation("custom_attributes", "too_many"));
    }
    Ok(values)
}
