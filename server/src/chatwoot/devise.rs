//! Chatwoot's password sign-in for its clients (`/auth/…`, devise_token_auth's routes,
//! which its mobile app calls): the session and its headers are `app::auth::device`'s;
//! these handlers give them Chatwoot's answers.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::request::Parts;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

use super::caller::{base_url_of, ApiAgent};
use super::error::ApiError;
use app::auth::device::{self, Issued, Presented};
use app::auth::model::Session;
use app::auth::ssr::SignInAttempt;
use app::error::AppError;
use app::state::AppState;

/// What `POST /auth/sign_in` reads, as JSON or as a form.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInBody {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

fn refused(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"success": false, "errors": [message]}))).into_response()
}

fn read_body(parts: &Parts, bytes: &[u8]) -> SignInBody {
    let form = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let read = if form {
        serde_urlencoded::from_bytes(bytes).ok()
    } else {
        serde_json::from_slice(bytes).ok()
    };
    read.unwrap_or_default()
}

/// Chatwoot's user object, as its sign-in and token check answer it.
async fn user(state: &AppState, parts: &Parts, session: Session) -> Result<Value, ApiError> {
    let api = ApiAgent {
        state: state.clone(),
        agent: session.agent,
        base_url: base_url_of(&parts.headers, state),
    };
    let profile = app::chatwoot::ssr::account::profile(&api.caller()).await?;
    serde_json::to_value(profile).map_err(|_| ApiError::App(AppError::Internal))
}

async fn presented_session(state: &AppState, parts: &Parts) -> Result<Option<Session>, ApiError> {
    let Some(presented) = Presented::from_headers(&parts.headers) else {
        return Ok(None);
    };
    device::lookup(&state.db, &presented, state.settings.session_ttl_secs)
        .await
        .map_err(|e| ApiError::App(e.into()))
}

#[utoipa::path(post, path = "/auth/sign_in", tag = "profile", security(()), request_body = SignInBody, responses((status = 200, description = "`{\"data\": user}`, with the `access-token`, `client`, `uid`, `expiry`, `token-type` and `authorization` headers to send back"), (status = 401, description = "Wrong email or password"), (status = 429, description = "Too many attempts")))]
pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    body: axum::body::Bytes,
) -> Response {
    let body = read_body(&parts, &body);
    let user_agent = app::wire::request::user_agent(&parts.headers);
    let address = app::wire::request::client_address(&parts, state.settings.trust_proxy);
    let attempt = SignInAttempt {
        email: &body.email,
        password: &body.password,
        user_agent: user_agent.as_deref(),
        address: address.as_deref(),
    };
    let issued = match device::sign_in(
        &state.db,
        attempt,
        &state.settings.sign_in,
        state.settings.session_ttl_secs,
    )
    .await
    {
        Ok(issued) => issued,
        Err(AppError::InvalidCredentials) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "Invalid login credentials. Please try again.",
            )
        }
        Err(err) => return ApiError::App(err).into_response(),
    };
    match signed_in(&state, &parts, &issued).await {
        Ok(res) => res,
        Err(err) => err.into_response(),
    }
}

async fn signed_in(state: &AppState, parts: &Parts, issued: &Issued) -> Result<Response, ApiError> {
    let presented = Presented {
        token: issued.token.clone(),
        client: issued.client.clone(),
        uid: issued.uid.clone(),
    };
    let session = device::lookup(&state.db, &presented, state.settings.session_ttl_secs)
        .await
        .map_err(|e| ApiError::App(e.into()))?
        .ok_or(ApiError::App(AppError::Internal))?;
    let data = user(state, parts, session).await?;
    let mut res = Json(json!({ "data": data })).into_response();
    with_headers(&mut res, issued);
    Ok(res)
}

#[utoipa::path(get, path = "/auth/validate_token", tag = "profile", security(()), responses((status = 200, description = "`{\"payload\": {\"success\": true, \"data\": user}}`"), (status = 401, description = "The headers present no live session")))]
pub async fn validate_token(State(state): State<AppState>, parts: Parts) -> Response {
    let checked = match presented_session(&state, &parts).await {
        Ok(Some(session)) => {
            let agent_id = session.agent.id;
            user(&state, &parts, session)
                .await
                .map(|data| (agent_id, data))
        }
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, "Invalid login credentials"),
        Err(err) => Err(err),
    };
    let (agent_id, data) = match checked {
        Ok(checked) => checked,
        Err(err) => return err.into_response(),
    };
    let mut res = Json(json!({"payload": {"success": true, "data": data}})).into_response();
    // devise_token_auth answers a checked token with its headers again (the same token:
    // it does not rotate), its expiry moved as the session's was.
    if let Some(presented) = Presented::from_headers(&parts.headers) {
        let issued = Issued {
            agent_id,
            token: presented.token,
            client: presented.client,
            uid: presented.uid,
            expiry: app::db::now_ms() / 1000 + state.settings.session_ttl_secs,
        };
        with_headers(&mut res, &issued);
    }
    res
}

fn with_headers(res: &mut Response, issued: &Issued) {
    for (name, value) in issued.headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
}

#[utoipa::path(delete, path = "/auth/sign_out", tag = "profile", security(()), responses((status = 200, description = "`{\"success\": true}`: that client's session has ended"), (status = 404, description = "The headers present no live session")))]
pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> Response {
    let ended = match presented_session(&state, &parts).await {
        Ok(Some(session)) => {
            app::auth::ssr::end_session(&state.db, &state.hub, &session.token_hash).await
        }
        Ok(None) => {
            return refused(
                StatusCode::NOT_FOUND,
                "User was not found or was not logged in.",
            )
        }
        Err(err) => return err.into_response(),
    };
    match ended {
        Ok(()) => Json(json!({"success": true})).into_response(),
        Err(err) => ApiError::App(err).into_response(),
    }
}
