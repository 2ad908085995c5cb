//! Who is asking, as handlers take it: a signed-in agent or a web chat visitor (every
//! administrator-only action is a server function, checked by
//! `auth::permission::require_admin`). Each check is written once here, and a handler that names one cannot
//! forget it; a request that is none of them gets the same answer everywhere.
use axum::extract::{FromRequestParts, Query};
use http::request::Parts;
use serde::Deserialize;

use app::auth::model::Session;
use app::error::AppError;
use app::state::AppState;
use app::widget::ssr::{inbox_by_token, visitor, WidgetInbox};

/// A signed-in agent (the session middleware resolved the cookie).
pub struct Agent(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Agent {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .map(Agent)
            .ok_or(AppError::Unauthorized)
    }
}

/// A visitor of a web-chat inbox who has written before: the widget's public token
/// (`?token=`) names the inbox, and the visitor's own token (the `x-charla-visitor`
/// header, else `?visitor=` from older widgets) names her.
pub struct Visitor {
    pub inbox: WidgetInbox,
    pub identity_id: i64,
    pub contact_id: i64,
}

#[derive(Deserialize)]
struct Tokens {
    token: String,
    visitor: Option<String>,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Query(tokens) =
            Query::<Tokens>::try_from_uri(&parts.uri).map_err(|_| AppError::Unauthorized)?;
        let visitor_token = parts
            .headers
            .get(app::wire::VISITOR_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or(tokens.visitor)
            .ok_or(AppError::Unauthorized)?;
        let inbox = inbox_by_token(&state.db, &tokens.token).await?;
        let (identity_id, contact_id) = visitor(&state.db, inbox.id, &visitor_token)
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Visitor {
            inbox,
            identity_id,
            contact_id,
        })
    }
}
