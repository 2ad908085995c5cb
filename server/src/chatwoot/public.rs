//! Chatwoot's Client API (`/public/api/v1/inboxes/{inbox_identifier}/…`): no token, as
//! in Chatwoot; the inbox identifier and the contact identifier (`source_id`) in the
//! path are what a caller must know. Browsers on any site may call it (CORS without
//! credentials: there is no cookie to abuse), and the widget's rate limits apply.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::request::Parts;
use http::{HeaderMap, StatusCode};

use super::caller::{Body, Ids, Params};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::public::{self, contacts, conversations, messages, Customer};
use app::state::AppState;

/// Who calls and from where: the client's address (rate limits) and the server's own
/// address as the caller reached it (for file addresses).
pub struct Client {
    pub state: AppState,
    pub address: Option<String>,
    pub base_url: String,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| *peer);
        let address =
            app::wire::request::client_address_of(&parts.headers, peer, state.settings.trust_proxy);
        Ok(Client {
            state: state.clone(),
            address,
            base_url: super::caller::base_url_of(&parts.headers, state),
        })
    }
}

impl Client {
    async fn customer(&self, inbox: &str, contact: &str) -> Result<Customer, ApiError> {
        Ok(public::customer(&self.state.db, inbox, contact).await?)
    }
}

/// `GET /public/api/v1/inboxes/{inbox_identifier}`.
#[utoipa::path(get, path = "/public/api/v1/inboxes/{inbox_identifier}", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path)),
    responses((status = 200, body = cw::PublicInbox), super::openapi::PublicRefusals))]
pub async fn inbox(
    State(state): State<AppState>,
    Ids(identifier): Ids<String>,
) -> ApiResult<cw::PublicInbox> {
    let inbox = public::inbox(&state.db, &identifier).await?;
    let traits = app::chatwoot::ssr::inbox_traits::traits(
        inbox.channel,
        inbox.settings.as_object().unwrap_or(&Default::default()),
    );
    Ok(Json(cw::PublicInbox {
        identifier,
        identity_validation_enabled: contacts::mandatory(&inbox),
        name: inbox.name,
        timezone: traits.timezone,
        working_hours_enabled: traits.working_hours_enabled,
        working_hours: traits.working_hours,
        csat_survey_enabled: traits.csat_survey_enabled,
        greeting_enabled: traits.greeting.is_some(),
    }))
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path)), request_body = cw::PublicContactBody,
    responses((status = 200, body = cw::PublicContact), super::openapi::PublicRefusals))]
pub async fn create_contact(
    client: Client,
    Ids(identifier): Ids<String>,
    Body(body): Body<cw::PublicContactBody>,
) -> ApiResult<cw::PublicContact> {
    Ok(Json(
        contacts::create(&client.state, &identifier, client.address.as_deref(), &body).await?,
    ))
}

#[utoipa::path(get, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path)),
    responses((status = 200, body = cw::PublicContact), super::openapi::PublicRefusals))]
pub async fn contact(
    client: Client,
    Ids((inbox, source)): Ids<(String, String)>,
) -> ApiResult<cw::PublicContact> {
    let customer = client.customer(&inbox, &source).await?;
    Ok(Json(contacts::get(&client.state.db, &customer).await?))
}

#[utoipa::path(patch, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path)), request_body = cw::PublicContactBody,
    responses((status = 200, body = cw::Contact), super::openapi::PublicRefusals))]
pub async fn update_contact(
    client: Client,
    Ids((inbox, source)): Ids<(String, String)>,
    Body(body): Body<cw::PublicContactBody>,
) -> ApiResult<cw::Contact> {
    let customer = client.customer(&inbox, &source).await?;
    let state = &client.state;
    state
        .widget_guard
        .message(customer.inbox.id, client.address.as_deref())?;
    Ok(Json(
        contacts::update(
            &state.db,
            &state.hub,
            &customer,
            &body,
            &state.settings.default_country,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path)),
    responses((status = 200, body = Vec<cw::PublicConversation>), super::openapi::PublicRefusals))]
pub async fn conversations(
    client: Client,
    Ids((inbox, source)): Ids<(String, String)>,
) -> ApiResult<Vec<cw::PublicConversation>> {
    let customer = client.customer(&inbox, &source).await?;
    Ok(Json(
        conversations::list(&client.state.db, &customer, &client.base_url).await?,
    ))
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path)),
    request_body = cw::PublicConversationBody,
    responses((status = 200, body = cw::PublicConversation), super::openapi::PublicRefusals))]
pub async fn create_conversation(
    client: Client,
    Ids((inbox, source)): Ids<(String, String)>,
    Body(body): Body<cw::PublicConversationBody>,
) -> ApiResult<cw::PublicConversation> {
    let values = app::chatwoot::ssr::contacts::attribute_change(body.custom_attributes.as_ref())?;
    let customer = client.customer(&inbox, &source).await?;
    let state = &client.state;
    // A new conversation counts as a message against the inbox's limits.
    state
        .widget_guard
        .message(customer.inbox.id, client.address.as_deref())?;
    Ok(Json(
        conversations::create(&state.db, &state.hub, &customer, &client.base_url, values).await?,
    ))
}

#[utoipa::path(get, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path)),
    responses((status = 200, body = cw::PublicConversation), super::openapi::PublicRefusals))]
pub async fn conversation(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
) -> ApiResult<cw::PublicConversation> {
    let customer = client.customer(&inbox, &source).await?;
    Ok(Json(
        conversations::get(&client.state.db, &customer, number, &client.base_url).await?,
    ))
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_status", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path)),
    responses((status = 200, body = cw::PublicConversation), super::openapi::PublicRefusals))]
pub async fn toggle_status(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
) -> ApiResult<cw::PublicConversation> {
    let customer = client.customer(&inbox, &source).await?;
    let state = &client.state;
    Ok(Json(
        conversations::resolve(&state.db, &state.hub, &customer, number, &client.base_url).await?,
    ))
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_typing", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path)), request_body = cw::TypingBody,
    responses((status = 200, description = "Said"), super::openapi::PublicRefusals))]
pub async fn toggle_typing(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
    Body(body): Body<cw::TypingBody>,
) -> Result<Response, ApiError> {
    let on = match body.typing_status.as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => {
            return Err(app::error::AppError::validation("typing_status", "invalid").into());
        }
    };
    let customer = client.customer(&inbox, &source).await?;
    let state = &client.state;
    // Each change may become a webhook delivery: counted as a message.
    state
        .widget_guard
        .message(customer.inbox.id, client.address.as_deref())?;
    conversations::typing(&state.db, &state.hub, &customer, number, on).await?;
    Ok(StatusCode::OK.into_response())
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/update_last_seen", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path)),
    responses((status = 200, description = "Seen"), super::openapi::PublicRefusals))]
pub async fn update_last_seen(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
) -> Result<Response, ApiError> {
    let customer = client.customer(&inbox, &source).await?;
    let state = &client.state;
    state
        .widget_guard
        .message(customer.inbox.id, client.address.as_deref())?;
    conversations::seen(&state.db, &state.hub, &customer, number).await?;
    Ok(StatusCode::OK.into_response())
}

#[utoipa::path(get, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path),
        ("before" = Option<i64>, Query, description = "Messages before this message id")),
    responses((status = 200, body = Vec<cw::PublicMessage>), super::openapi::PublicRefusals))]
pub async fn messages(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
    params: Params,
) -> ApiResult<Vec<cw::PublicMessage>> {
    let before = match params.get("before") {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::BadRequest("before must be a message id".into()))?,
        ),
        None => None,
    };
    let customer = client.customer(&inbox, &source).await?;
    Ok(Json(
        messages::list(
            &client.state.db,
            &customer,
            number,
            before,
            &client.base_url,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path)), request_body = cw::PublicMessageBody,
    responses((status = 200, body = cw::PublicMessage), super::openapi::PublicRefusals))]
pub async fn create_message(
    client: Client,
    Ids((inbox, source, number)): Ids<(String, String, i64)>,
    request: axum::extract::Request,
) -> ApiResult<cw::PublicMessage> {
    let customer = client.customer(&inbox, &source).await?;
    // Hers, before any file of hers is stored.
    customer.conversation(&client.state.db, number).await?;
    let body = if super::multipart::is_multipart(&request) {
        let address = client.address.as_deref();
        super::multipart::read_public(&client.state, &customer, address, request).await?
    } else {
        let Body(body) = Body::<cw::PublicMessageBody>::from_request(request, &()).await?;
        body
    };
    Ok(Json(
        messages::create(
            &client.state,
            &customer,
            number,
            client.address.as_deref(),
            &body,
            &client.base_url,
        )
        .await?,
    ))
}

#[utoipa::path(patch, path = "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages/{message_id}", tag = "client api", security(()),
    params(("inbox_identifier" = String, Path), ("contact_identifier" = String, Path), ("conversation_id" = i64, Path), ("message_id" = i64, Path)), request_body = super::openapi::SubmittedValuesBody,
    responses((status = 200, body = cw::PublicMessage), super::openapi::PublicRefusals))]
pub async fn update_message(
    client: Client,
    Ids((inbox, source, number, message)): Ids<(String, String, i64, i64)>,
    Body(body): Body<serde_json::Value>,
) -> ApiResult<cw::PublicMessage> {
    let customer = client.customer(&inbox, &source).await?;
    Ok(Json(
        messages::submit(
            &client.state,
            &customer,
            number,
            message,
            &body,
            &client.base_url,
        )
        .await?,
    ))
}

/// A file of the customer's conversations (what `data_url` points to).
pub async fn attachment(
    client: Client,
    Ids((inbox, source, id)): Ids<(String, String, i64)>,
    headers: HeaderMap,
) -> Response {
    let customer = match client.customer(&inbox, &source).await {
        Ok(customer) => customer,
        Err(err) => return err.into_response(),
    };
    crate::attachments::for_identity(&client.state, customer.identity_id, id, &headers).await
}
