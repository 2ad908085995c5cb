//! The request bodies of the API's writes.
use serde::Serialize;
use utoipa::ToSchema;

/// `POST`/`PATCH …/teams` (also accepted wrapped as `{"team": {…}}`); a field left out
/// keeps its value.
#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// `…/teams/{id}/team_members`: the agents who join (`POST`), are exactly the members
/// (`PATCH`) or leave (`DELETE`).
#[derive(Serialize, ToSchema)]
pub struct UserIdsBody {
    pub user_ids: Vec<i64>,
}

/// `…/inbox_members`: the inbox, and the agents as for a team's members.
#[derive(Serialize, ToSchema)]
pub struct InboxMembersBody {
    pub inbox_id: i64,
    pub user_ids: Vec<i64>,
}

/// `POST`/`PATCH …/custom_attribute_definitions` (also accepted wrapped as
/// `{"custom_attribute_definition": {…}}`). Types and models by Chatwoot's name or
/// number; on a change the key and model stay and a field left out keeps its value.
#[derive(Serialize, ToSchema)]
pub struct CustomAttributeDefinitionBody {
    pub attribute_display_name: Option<String>,
    /// 0 text, 1 number, 2 currency, 3 percent, 4 link, 5 date, 6 list, 7 checkbox.
    #[schema(value_type = Option<Object>)]
    pub attribute_display_type: Option<serde_json::Value>,
    pub attribute_description: Option<String>,
    /// Lower case letters, digits and `_`; derived from the name when left out.
    pub attribute_key: Option<String>,
    /// 0 conversation_attribute, 1 contact_attribute.
    #[schema(value_type = Option<Object>)]
    pub attribute_model: Option<serde_json::Value>,
    pub attribute_values: Option<Vec<String>>,
}

/// `POST`/`PATCH …/contacts/{id}/notes`, bare or under `note`.
#[derive(Serialize, ToSchema)]
pub struct NoteBody {
    /// 1 to 5000 characters.
    pub content: String,
}

/// `PATCH /api/v1/notification_settings`, bare or under `notification_settings`; a list
/// left out keeps its choices.
#[derive(Serialize, ToSchema)]
pub struct NotificationSettingsBody {
    /// `email_conversation_mention`, `email_conversation_assignment`.
    pub selected_email_flags: Option<Vec<String>>,
    /// `push_conversation_creation`, `push_conversation_assignment`,
    /// `push_conversation_mention`, `push_assigned_conversation_new_message`.
    pub selected_push_flags: Option<Vec<String>>,
}

/// `POST …/notifications/read_all`: all of them, or those of one conversation.
#[derive(Serialize, ToSchema)]
pub struct ReadAllBody {
    /// `Conversation`, with its number as `primary_actor_id`.
    pub primary_actor_type: Option<String>,
    pub primary_actor_id: Option<i64>,
}

/// The Client API's `PATCH …/messages/{id}`: the customer's answer to a survey card.
#[derive(Serialize, ToSchema)]
pub struct SubmittedValuesBody {
    /// `{"csat_survey_response": {"rating": 1-5, "feedback_message": "…"}}`.
    #[schema(value_type = Object)]
    pub submitted_values: serde_json::Value,
}

/// `POST`/`PATCH …/custom_filters`, bare or under `custom_filter`; on a change a field
/// left out keeps its value.
#[derive(Serialize, ToSchema)]
pub struct CustomFilterBody {
    pub name: Option<String>,
    /// `conversation` (the default), `contact` or `report`; also read as `type`.
    pub filter_type: Option<String>,
    /// For conversations and contacts, the filter's `{"payload": [conditions]}`.
    #[schema(value_type = Option<Object>)]
    pub query: Option<serde_json::Value>,
}

/// `POST …/conversations/{id}/custom_attributes`: the values, replacing the old ones.
#[derive(Serialize, ToSchema)]
pub struct CustomAttributesBody {
    #[schema(value_type = Object)]
    pub custom_attributes: serde_json::Value,
}

/// `POST …/contacts/{id}/destroy_custom_attributes`: the keys to drop.
#[derive(Serialize, ToSchema)]
pub struct AttributeKeysBody {
    pub custom_attributes: Vec<String>,
}

/// `POST`/`PATCH …/webhooks` (also accepted wrapped as `{"webhook": {…}}`).
#[derive(Serialize, ToSchema)]
pub struct WebhookBody {
    pub url: Option<String>,
    pub name: Option<String>,
    /// Chatwoot's event names.
    pub subscriptions: Option<Vec<String>>,
    pub include_private: Option<bool>,
}

/// `POST`/`PATCH …/labels` (also accepted wrapped as `{"label": {…}}`).
#[derive(Serialize, ToSchema)]
pub struct LabelBody {
    pub title: Option<String>,
    pub description: Option<String>,
    pub color: Option<String>,
}

/// `POST`/`PATCH …/automation_rules` in Chatwoot's shape (also accepted wrapped as
/// `{"automation_rule": {…}}`); `PATCH` keeps what it does not send.
#[derive(Serialize, ToSchema)]
pub struct AutomationRuleBody {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `conversation_created`, `message_created`, `conversation_updated`,
    /// `conversation_resolved` or `no_reply` (with `no_reply_minutes`).
    pub event_name: Option<String>,
    pub active: Option<bool>,
    /// `{"attribute_key", "filter_operator", "values", "query_operator"}`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub conditions: Option<serde_json::Value>,
    /// `{"action_name", "action_params"}`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub actions: Option<serde_json::Value>,
    pub no_reply_minutes: Option<u32>,
}

/// `POST`/`PATCH …/macros` in Chatwoot's shape (also accepted wrapped as
/// `{"macro": {…}}`); `PATCH` keeps what it does not send.
#[derive(Serialize, ToSchema)]
pub struct MacroBody {
    pub name: Option<String>,
    /// `personal` (the default) or `global`.
    pub visibility: Option<String>,
    /// `{"action_name", "action_params"}`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub actions: Option<serde_json::Value>,
}

/// `POST …/macros/{id}/execute`.
#[derive(Serialize, ToSchema)]
pub struct MacroExecuteBody {
    pub conversation_ids: Vec<i64>,
}

/// `POST`/`PATCH …/canned_responses` (also accepted wrapped as `{"canned_response": {…}}`).
#[derive(Serialize, ToSchema)]
pub struct CannedBody {
    pub short_code: Option<String>,
    pub content: Option<String>,
}

/// `assignments`: an agent (`null` unassigns) or, without `assignee_id`, a team.
#[derive(Serialize, ToSchema)]
pub struct AssignmentBody {
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
}

/// `POST …/actions/contact_merge`: the contact that stays and the one merged into it.
#[derive(Serialize, ToSchema)]
pub struct ContactMergeBody {
    pub base_contact_id: i64,
    pub mergee_contact_id: i64,
}

/// `PATCH /api/v1/accounts/{account_id}` (also accepted wrapped as `{"account": {…}}`).
#[derive(Serialize, ToSchema)]
pub struct AccountBody {
    pub name: Option<String>,
    /// An IANA time zone, such as `Europe/Madrid`.
    pub timezone: Option<String>,
}

/// `POST`/`PATCH …/agents` (also accepted wrapped as `{"agent": {…}}`).
#[derive(Serialize, ToSchema)]
pub struct AgentBody {
    /// Required to add one.
    pub name: Option<String>,
    /// Required to add one.
    pub email: Option<String>,
    /// `agent` (default) or `administrator`.
    pub role: Option<String>,
    /// `online` (or `available`), `busy` or `offline`.
    pub availability_status: Option<String>,
    pub auto_offline: Option<bool>,
}

/// `PUT /api/v1/profile` (also accepted wrapped as `{"profile": {…}}`). A password is
/// changed in Mi perfil, never through a token (422).
#[derive(Serialize, ToSchema)]
pub struct ProfileBody {
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub message_signature: Option<String>,
    /// `online` (or `available`), `busy` or `offline`.
    pub availability: Option<String>,
}
