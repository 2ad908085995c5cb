//! Custom attribute definitions through the API (`custom_attribute_definitions`, as
//! Chatwoot's), and a conversation's values (`POST conversations/{id}/custom_attributes`).
//! Every agent reads the definitions; administrators write them.
use serde_json::Value;

use super::Caller;
use crate::attributes::model::{AttributeDefinition, AttributeModel, AttributeType};
use crate::attributes::ssr::{self as definitions, Change, DefinitionInput};
use crate::auth::permission::require_admin;
use crate::chatwoot::model as cw;
use crate::error::AppError;
use crate::ui::time::iso_instant;

fn shape(definition: AttributeDefinition) -> cw::CustomAttributeDefinition {
    cw::CustomAttributeDefinition {
        id: definition.id,
        attribute_display_name: definition.display_name,
        attribute_display_type: definition.display_type.key(),
        attribute_description: definition.description,
        attribute_key: definition.key,
        regex_pattern: None,
        regex_cue: None,
        attribute_values: definition.values,
        attribute_model: definition.model.chatwoot_name(),
        default_value: None,
        created_at: iso_instant(definition.created_at),
        updated_at: iso_instant(definition.updated_at),
    }
}

/// `attribute_model` of a list: Chatwoot's name or number; absent lists both.
pub fn model_filter(sent: Option<&str>) -> Result<Option<AttributeModel>, AppError> {
    match sent.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => AttributeModel::parse(&Value::String(text.to_owned()))
            .map(Some)
            .ok_or_else(|| AppError::validation("attribute_model", "invalid")),
    }
}

pub async fn list(
    caller: &Caller<'_>,
    model: Option<AttributeModel>,
) -> Result<Vec<cw::CustomAttributeDefinition>, AppError> {
    let all = definitions::list(caller.db(), caller.agent.account_id, model).await?;
    Ok(all.into_iter().map(shape).collect())
}

pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::CustomAttributeDefinition, AppError> {
    Ok(shape(
        definitions::get(caller.db(), caller.agent.account_id, id).await?,
    ))
}

/// Creates (`id: None`) or changes a definition from Chatwoot's fields (bare or under
/// `custom_attribute_definition`); on a change, a field left out keeps its value and
/// the key and model stay.
pub async fn save(
    caller: &Caller<'_>,
    id: Option<i64>,
    body: &Value,
) -> Result<cw::CustomAttributeDefinition, AppError> {
    require_admin(caller.agent)?;
    let fields = body
        .get("custom_attribute_definition")
        .filter(|v| v.is_object())
        .unwrap_or(body);
    let current = match id {
        Some(id) => Some(definitions::get(caller.db(), caller.agent.account_id, id).await?),
        None => None,
    };
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
    let model = match (fields.get("attribute_model"), &current) {
        (_, Some(current)) => current.model,
        (Some(sent), None) => AttributeModel::parse(sent)
            .ok_or_else(|| AppError::validation("attribute_model", "invalid"))?,
        // Chatwoot's default.
        (None, None) => AttributeModel::Conversation,
    };
    let display_type = match (fields.get("attribute_display_type"), &current) {
        (Some(sent), _) => AttributeType::parse(sent)
            .ok_or_else(|| AppError::validation("attribute_display_type", "invalid"))?,
        (None, Some(current)) => current.display_type,
        (None, None) => AttributeType::Text,
    };
    let display_name = text("attribute_display_name")
        .or_else(|| current.as_ref().map(|c| c.display_name.clone()))
        .unwrap_or_default();
    let key = match &current {
        Some(current) => current.key.clone(),
        None => text("attribute_key")
            .unwrap_or_else(|| crate::attributes::model::key_from_name(&display_name)),
    };
    let description = text("attribute_description")
        .or_else(|| current.as_ref().map(|c| c.description.clone()))
        .unwrap_or_default();
    let values: Vec<String> = match fields.get("attribute_values") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::Null) | None => current.map(|c| c.values).unwrap_or_default(),
        Some(_) => return Err(AppError::validation("attribute_values", "invalid")),
    };
    let input = DefinitionInput {
        model,
        key: &key,
        display_name: &display_name,
        display_type,
        description: &description,
        values: &values,
    };
    let saved = definitions::save(caller.db(), caller.agent.account_id, id, input)
        .await
        .map_err(api_field)?;
    Ok(shape(saved))
}

/// Charla's field names as Chatwoot's clients send them.
fn api_field(err: AppError) -> AppError {
    let renamed = [
        ("key", "attribute_key"),
        ("display_name", "attribute_display_name"),
        ("description", "attribute_description"),
        ("values", "attribute_values"),
    ];
    renamed.iter().fold(err, |err, (ours, theirs)| {
        super::account::rename_field(err, ours, theirs)
    })
}

pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    definitions::remove(caller.db(), caller.agent.account_id, id).await
}

/// Sets a conversation's values to exactly `values` (Chatwoot replaces them whole).
pub async fn set_conversation_values(
    caller: &Caller<'_>,
    display_id: i64,
    values: &Value,
) -> Result<cw::CustomAttributes, AppError> {
    let values = match values {
        Value::Object(map) => map.clone(),
        Value::Null => Default::default(),
        _ => return Err(AppError::validation("custom_attributes", "invalid")),
    };
    change_conversation_values(caller, display_id, Change::Replace(values)).await
}

/// Drops these keys from a conversation's values (Chatwoot's
/// `destroy_custom_attributes`); answers what is left.
pub async fn destroy_conversation_values(
    caller: &Caller<'_>,
    display_id: i64,
    keys: Vec<String>,
) -> Result<cw::CustomAttributes, AppError> {
    change_conversation_values(caller, display_id, Change::Remove(keys)).await
}

async fn change_conversation_values(
    caller: &Caller<'_>,
    display_id: i64,
    change: Change,
) -> Result<cw::CustomAttributes, AppError> {
    let id = super::conversations::resolve(caller, display_id).await?.id;
    let stored = crate::conversations::ssr::attributes::set(
        caller.db(),
        &caller.state.hub,
        caller.agent,
        id,
        change,
    )
    .await?;
    Ok(cw::CustomAttributes {
        custom_attributes: Value::Object(stored),
    })
}
