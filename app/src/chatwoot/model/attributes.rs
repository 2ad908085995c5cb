//! Custom attribute definitions and saved filters as Chatwoot's API shows them.
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomAttributeDefinition {
    pub id: i64,
    pub attribute_display_name: String,
    /// `text`, `number`, `currency`, `percent`, `link`, `date`, `list` or `checkbox`.
    pub attribute_display_type: &'static str,
    pub attribute_description: String,
    pub attribute_key: String,
    pub regex_pattern: Option<String>,
    pub regex_cue: Option<String>,
    /// A list's choices.
    pub attribute_values: Vec<String>,
    /// `contact_attribute` or `conversation_attribute`.
    pub attribute_model: &'static str,
    #[schema(value_type = Option<Object>)]
    pub default_value: Option<Value>,
    /// ISO 8601.
    pub created_at: String,
    pub updated_at: String,
}

/// `POST …/conversations/{id}/custom_attributes`'s answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomAttributes {
    #[schema(value_type = Object)]
    pub custom_attributes: Value,
}

/// A saved filter (`/custom_filters`): the query as its client sent it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomFilter {
    pub id: i64,
    pub name: String,
    /// `conversation`, `contact` or `report`.
    pub filter_type: &'static str,
    /// The filter's query, as the conversation or contact filter takes it
    /// (`{"payload": [...]}`).
    #[schema(value_type = Object)]
    pub query: Value,
    /// ISO 8601.
    pub created_at: String,
    pub updated_at: String,
}
