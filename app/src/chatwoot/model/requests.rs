//! What clients send: the bodies of the API's writes, as Chatwoot names their fields.
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `POST /contacts`, `PUT /contacts/{id}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ContactBody {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub inbox_id: Option<i64>,
    #[schema(value_type = Object)]
    #[serde(default)]
    #[schema(value_type = Object)]
    pub additional_attributes: Option<Value>,
    #[schema(value_type = Object)]
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_attributes: Option<Value>,
    /// `Some(None)`: sent as `null`, which clears it; `None`: not sent, kept.
    #[schema(value_type = Option<String>)]
    #[serde(default, deserialize_with = "sent_or_null")]
    pub identifier: Option<Option<String>>,
    /// Blocks her (her conversations muted, as Chatwoot's mute does) or unblocks her.
    pub blocked: Option<bool>,
}

/// A field that may be sent as `null` (clearing it) or left out (keeping it).
fn sent_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /conversations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewConversationBody {
    pub inbox_id: i64,
    pub contact_id: Option<i64>,
    pub source_id: Option<String>,
    pub status: Option<String>,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub message: Option<FirstMessageBody>,
    /// The conversation's custom attribute values.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub custom_attributes: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FirstMessageBody {
    pub content: Option<String>,
    pub template_params: Option<TemplateParams>,
    /// Email inboxes: the subject line (Charla's; Chatwoot takes it from the inbox).
    pub subject: Option<String>,
}

/// A WhatsApp template by name and language, its variables numbered from 1.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TemplateParams {
    pub name: String,
    pub language: Option<String>,
    #[schema(value_type = Object)]
    #[serde(default)]
    #[schema(value_type = Object)]
    pub processed_params: Value,
}

/// `POST /conversations/{id}/messages` (JSON; multipart carries the same fields).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewMessageBody {
    pub content: Option<String>,
    pub message_type: Option<String>,
    #[serde(default)]
    pub private: bool,
    pub content_type: Option<String>,
    pub template_params: Option<TemplateParams>,
    pub echo_id: Option<String>,
    /// `{"in_reply_to": <message id>}`: the message of the conversation it answers.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub content_attributes: Option<Value>,
}

/// `in_reply_to` of a message's `content_attributes` (a number, or digits as Rails'
/// forms send them); Charla keeps no other key of it.
pub fn in_reply_to(attributes: Option<&Value>) -> Result<Option<i64>, &'static str> {
    let Some(attributes) = attributes.filter(|a| !a.is_null()) else {
        return Ok(None);
    };
    let Some(map) = attributes.as_object() else {
        return Err("invalid");
    };
    match map.get("in_reply_to") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or("invalid"),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| "invalid"),
        Some(_) => Err("invalid"),
    }
}

/// `POST /inboxes` (Charla makes API inboxes here; other channels need Ajustes) and
/// `PATCH /inboxes/{id}` (a new name; an API inbox's webhook URL).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewInboxBody {
    pub name: Option<String>,
    pub channel: Option<NewChannelBody>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewChannelBody {
    /// "api".
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub webhook_url: Option<String>,
    /// Client API contacts must prove who they are (`identifier_hash`).
    pub hmac_mandatory: Option<bool>,
}

/// `POST /contacts/{id}/contact_inboxes`: the contact's identity in an API inbox.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ContactInboxBody {
    pub inbox_id: i64,
    /// The identifier the Client API will take (else one is made).
    pub source_id: Option<String>,
}

/// `POST /contacts/filter` and `POST /conversations/filter`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FilterBody {
    #[serde(default)]
    pub payload: Vec<FilterCondition>,
}

/// One condition of a filter, as Chatwoot's filters write it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FilterCondition {
    pub attribute_key: String,
    pub filter_operator: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<Value>,
    /// How it joins the next condition: `and` (the default) or `or`.
    #[serde(default)]
    pub query_operator: Option<String>,
}
