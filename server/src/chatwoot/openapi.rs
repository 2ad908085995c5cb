//! The OpenAPI 3 document of what Charla serves of Chatwoot's API, generated from the
//! handlers' `#[utoipa::path]` and the answer types' `ToSchema` (never written by
//! hand), served at `GET /api/v1/openapi.json`. The wrapper types below are never
//! built: they give the document the shapes the handlers answer with `json!`.
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

mod bodies;
pub use bodies::*;

use app::chatwoot::model as cw;

/// Any error: `error` (most), `message` and `attributes` (a field's rule), `errors`
/// (no token).
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: Option<String>,
    pub message: Option<String>,
    pub attributes: Option<Vec<String>>,
    pub code: Option<String>,
    pub errors: Option<Vec<String>>,
}

/// What every endpoint may answer besides its success.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Refusals {
    /// A body or query that cannot be read.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, a wrong token, or another account's path.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Administrators only.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Not found, or not the caller's to see.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A field fails a rule (`attributes` names it).
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// What the Client API may answer besides its success.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum PublicRefusals {
    /// A body or query that cannot be read.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No API inbox with that identifier, no such contact in it, or not hers.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A field fails a rule (`attributes` names it), or a chosen `source_id` is taken.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// Too many new contacts or messages from one address or for one inbox.
    #[response(status = 429)]
    TooMany(ErrorBody),
}

#[derive(Serialize, ToSchema)]
pub struct InboxList {
    pub payload: Vec<cw::Inbox>,
}

#[derive(Serialize, ToSchema)]
pub struct AgentPayload {
    pub payload: Vec<cw::Agent>,
}

#[derive(Serialize, ToSchema)]
pub struct LabelList {
    pub payload: Vec<cw::Label>,
}

#[derive(Serialize, ToSchema)]
pub struct LabelTitles {
    pub payload: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactMeta {
    pub count: i64,
    /// The page asked for, as sent (text), else the number 1 (as Chatwoot answers).
    pub current_page: Value,
}

#[derive(Serialize, ToSchema)]
pub struct ContactPage {
    pub meta: ContactMeta,
    pub payload: Vec<cw::Contact>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactOne {
    pub payload: cw::Contact,
}

#[derive(Serialize, ToSchema)]
pub struct NewContactInbox {
    pub inbox: Option<cw::InboxSlim>,
    pub source_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NewContact {
    pub contact: cw::Contact,
    pub contact_inbox: NewContactInbox,
}

#[derive(Serialize, ToSchema)]
pub struct ContactCreated {
    pub payload: NewContact,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationPayload {
    pub payload: Vec<cw::Conversation>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactInboxes {
    pub payload: Vec<cw::ContactInbox>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationListData {
    pub meta: cw::ListCounts,
    pub payload: Vec<cw::Conversation>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub data: ConversationListData,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationCounts {
    pub meta: cw::ListCounts,
}

#[derive(Serialize, ToSchema)]
pub struct StatusToggled {
    pub success: bool,
    pub conversation_id: i64,
    pub current_status: String,
    pub snoozed_until: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StatusAnswer {
    #[schema(value_type = Object)]
    pub meta: Value,
    pub payload: StatusToggled,
}

#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub meta: cw::MessagesMeta,
    pub payload: Vec<cw::Message>,
}

#[derive(Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub account_id: i64,
    pub subscriptions: Vec<String>,
    pub include_private: bool,
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct Webhooks {
    pub webhooks: Vec<Webhook>,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub payload: Webhooks,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookWrapped {
    pub webhook: Webhook,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookOne {
    pub payload: WebhookWrapped,
}

#[derive(Serialize, ToSchema)]
pub struct AutomationRuleList {
    pub payload: Vec<cw::AutomationRule>,
}

#[derive(Serialize, ToSchema)]
pub struct MacroList {
    pub payload: Vec<cw::Macro>,
}

struct TokenHeader;

impl Modify for TokenHeader {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_access_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("api_access_token"))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Charla — Chatwoot-compatible Application API",
        description = "What Charla serves of Chatwoot's Application API v1. Authenticate with the agent's token (Mi perfil > Token de acceso) in the `api_access_token` header, or sign in with a password at `POST /auth/sign_in` and send back the `access-token`, `client` and `uid` headers it answers with (as Chatwoot's mobile app does); an agent bot's token opens only messages, toggle_status, toggle_priority, the conversation's PATCH and assignments in its inboxes."
    ),
    modifiers(&TokenHeader),
    security(("api_access_token" = [])),
    paths(
        super::account::profile,
        super::devise::sign_in,
        super::devise::validate_token,
        super::devise::sign_out,
        super::account::update_profile,
        super::account::set_availability,
        super::account::set_active_account,
        super::account::agents,
        super::agents::create,
        super::agents::update,
        super::agents::remove,
        super::account::account,
        super::account::update_account,
        super::account::inboxes,
        super::account::create_inbox,
        super::account::update_inbox,
        super::account::inbox,
        super::account::inbox_members,
        super::account::teams,
        super::account::team,
        super::account::team_members,
        super::members::create_team,
        super::members::update_team,
        super::members::delete_team,
        super::members::add_team_members,
        super::members::set_team_members,
        super::members::remove_team_members,
        super::members::add_inbox_members,
        super::members::set_inbox_members,
        super::members::remove_inbox_members,
        super::account::labels,
        super::account::label,
        super::account::canned,
        super::contacts::list,
        super::contacts::search,
        super::contacts::get,
        super::contacts::create,
        super::contacts::update,
        super::contacts::delete,
        super::contacts::conversations,
        super::contacts::contactable_inboxes,
        super::contacts::labels,
        super::contacts::filter,
        super::contacts::set_labels,
        super::contacts::create_contact_inbox,
        super::contacts::merge,
        super::conversations::list,
        super::conversations::meta,
        super::conversations::filter,
        super::conversations::get,
        super::conversations::create,
        super::conversations::update,
        super::conversations::toggle_status,
        super::conversations::toggle_priority,
        super::conversations::mute,
        super::conversations::unmute,
        super::conversations::toggle_typing_status,
        super::conversations::update_last_seen,
        super::conversations::unread,
        super::conversations::labels,
        super::conversations::set_labels,
        super::conversations::messages,
        super::conversations::create_message,
        super::conversations::delete_message,
        super::webhooks::list,
        super::webhooks::create,
        super::webhooks::update,
        super::webhooks::delete,
        super::account::create_label,
        super::account::update_label,
        super::account::delete_label,
        super::account::create_canned,
        super::account::update_canned,
        super::account::delete_canned,
        super::conversations::assignments,
        super::conversations::delete,
        super::public::inbox,
        super::public::create_contact,
        super::public::contact,
        super::public::update_contact,
        super::public::conversations,
        super::public::create_conversation,
        super::public::conversation,
        super::public::toggle_status,
        super::public::toggle_typing,
        super::public::update_last_seen,
        super::public::messages,
        super::public::create_message,
        super::public::update_message,
        super::bots::list,
        super::bots::create,
        super::bots::get,
        super::bots::update,
        super::bots::remove,
        super::bots::reset_token,
        super::bots::set_inbox_bot,
        super::bots::inbox_bot,
        super::automation::list,
        super::automation::create,
        super::automation::get,
        super::automation::update,
        super::automation::delete,
        super::macros::list,
        super::macros::create,
        super::macros::get,
        super::macros::update,
        super::macros::delete,
        super::macros::execute,
        super::reports::summary,
        super::reports::conversations,
        super::attributes::list,
        super::attributes::get,
        super::attributes::create,
        super::attributes::update,
        super::attributes::delete,
        super::attributes::set_conversation_values,
        super::attributes::destroy_contact_values,
        super::attributes::destroy_conversation_values,
        super::attributes::reporting_events,
        super::custom_filters::list,
        super::custom_filters::get,
        super::custom_filters::create,
        super::custom_filters::update,
        super::custom_filters::delete,
        super::reports::series,
        super::notes::list,
        super::notes::create,
        super::notes::get,
        super::notes::update,
        super::notes::delete,
        super::search::all,
        super::search::contacts,
        super::search::conversations,
        super::search::messages,
        super::notifications::list,
        super::notifications::unread_count,
        super::notifications::read_all,
        super::notifications::read,
        super::notifications::unread,
        super::notifications::delete,
        super::notifications::settings,
        super::notifications::update_settings,
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
