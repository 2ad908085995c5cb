//! The widget's server functions: open (configuration, and a returning visitor's
//! conversation) and send. Public: a visitor never signs in.
use super::model::{HostUser, WidgetSent, WidgetState};
#[cfg(feature = "ssr")]
use super::ssr;
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;

/// The widget's configuration and, for a returning visitor, their conversation.
#[server(endpoint = "widget/open", input = Json, output = Json)]
pub async fn widget_open(
    token: String,
    visitor: Option<String>,
    /// The host site's verified user, if it passes one.
    #[server(default)]
    user: Option<HostUser>,
) -> Result<WidgetState, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            ssr::open(
                &state.db,
                &state.settings.secrets,
                &token,
                visitor.as_deref(),
                user.as_ref(),
                state.settings.uploads,
            )
            .await
        }
        .await,
    )
}

/// A visitor's message; the pre-chat form's name and email come with the first one.
#[server(endpoint = "widget/send", input = Json, output = Json)]
pub async fn widget_send(
    token: String,
    visitor: Option<String>,
    body: String,
    name: Option<String>,
    email: Option<String>,
    /// Files uploaded to `/api/widget/uploads` (a known visitor only).
    #[server(default)]
    attachments: Vec<i64>,
    /// The host site's verified user, if it passes one.
    #[server(default)]
    user: Option<HostUser>,
) -> Result<WidgetSent, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            let body =
                crate::domain::MessageBody::parse_beside_files(&body, !attachments.is_empty())
                    .map_err(|code| AppError::validation("body", code))?;
            let message = ssr::VisitorSend {
                body: body.as_ref(),
                name,
                email,
                attachments: &attachments,
            };
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let address = crate::wire::request::client_address(&parts, state.settings.trust_proxy);
            let sender = ssr::Sender {
                token: &token,
                visitor: visitor.as_deref(),
                user: user.as_ref(),
                address: address.as_deref(),
            };
            ssr::send(
                &state.db,
                &state.settings.secrets,
                &state.hub,
                &state.widget_guard,
                sender,
                message,
            )
            .await
        }
        .await,
    )
}

/// A known visitor leaves her email while nobody is online, so a reply can reach her
/// after she has gone (kept as her claim).
#[server(endpoint = "widget/email", input = Json, output = Json)]
pub async fn widget_email(
    token: String,
    visitor: String,
    email: String,
    #[server(default)] user: Option<HostUser>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let address = crate::wire::request::client_address(&parts, state.settings.trust_proxy);
            let sender = ssr::Sender {
                token: &token,
                visitor: Some(&visitor),
                user: user.as_ref(),
                address: address.as_deref(),
            };
            ssr::offline::leave_email(
                &state.db,
                &state.settings.secrets,
                &state.hub,
                &state.widget_guard,
                sender,
                &email,
            )
            .await
        }
        .await,
    )
}

/// The visitor's answer to the satisfaction survey in her conversation (1-5 and an
/// optional comment); once.
#[server(endpoint = "widget/rate", input = Json, output = Json)]
pub async fn widget_rate(
    token: String,
    visitor: String,
    message_id: i64,
    rating: u8,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            ssr::rate(
                &state.db, &state.hub, &token, &visitor, message_id, rating, &comment,
            )
            .await
        }
        .await,
    )
}

/// The survey behind a link sent by email or WhatsApp (its public page).
#[server(endpoint = "survey/get", input = Json, output = Json)]
pub async fn survey_state(token: String) -> Result<crate::domain::csat::SurveyState, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            crate::conversations::ssr::survey::by_token(&state.db, &token).await
        }
        .await,
    )
}

/// The customer's answer on the survey's public page; once.
#[server(endpoint = "survey/answer", input = Json, output = Json)]
pub async fn survey_answer(
    token: String,
    rating: u8,
    #[server(default)] comment: String,
) -> Result<crate::domain::csat::SurveyState, AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            crate::conversations::ssr::survey::answer(
                &state.db, &state.hub, &token, rating, &comment,
            )
            .await
        }
        .await,
    )
}
