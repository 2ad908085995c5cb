//! Who calls the API: the agent whose access token is in the `api_access_token`
//! header (as Chatwoot's clients send it), the agent whose `/auth/sign_in` session is
//! in devise_token_auth's headers (as its mobile app sends it), or the signed-in agent
//! of a session cookie
//! (the dashboard's own pages; the cross-site guard covers those). The account in the
//! path must be hers. Also the extractors whose refusals speak the API's errors.
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use app::agents::model::AgentProfile;
use app::auth::model::Session;
use app::chatwoot::ssr::bots::{self, Bot};
use app::chatwoot::ssr::Caller;
use app::state::AppState;

pub const TOKEN_HEADER: &str = "api_access_token";

pub struct ApiAgent {
    pub state: AppState,
    pub agent: AgentProfile,
    pub base_url: String,
}

impl ApiAgent {
    pub fn caller(&self) -> Caller<'_> {
        Caller {
            state: &self.state,
            agent: &self.agent,
            base_url: &self.base_url,
        }
    }
}

/// The account id of `/api/v1/accounts/{id}/…` (or v2's), if the path has one.
fn path_account(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v1/accounts/")
        .or_else(|| path.strip_prefix("/api/v2/accounts/"))?
        .split('/')
        .next()
}

impl FromRequestParts<AppState> for ApiAgent {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match ApiActor::from_request_parts(parts, state).await? {
            ApiActor::Agent(api) => Ok(api),
            // A bot's token opens only the endpoints Chatwoot opens to bots.
            ApiActor::Bot(_) => Err(ApiError::InvalidToken),
        }
    }
}

/// An agent bot calling with its own token.
pub struct ApiBot {
    pub state: AppState,
    pub bot: Bot,
    /// The installation acting on the bot's account: reads and shapes for it; what the
    /// bot may touch is checked by `app::chatwoot::ssr::bots::act`.
    pub system: AgentProfile,
    pub base_url: String,
}

impl ApiBot {
    pub fn caller(&self) -> Caller<'_> {
        Caller {
            state: &self.state,
            agent: &self.system,
            base_url: &self.base_url,
        }
    }
}

/// Who calls an endpoint Chatwoot opens to agent bots too (messages, status, priority).
pub enum ApiActor {
    Agent(ApiAgent),
    Bot(ApiBot),
}

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        let base_url = base_url_of(&parts.headers, state);
        let agent = match token {
            Some(token) => match app::auth::access_token::ssr::lookup(&state.db, token).await? {
                Some(agent) => agent,
                None => {
                    let bot = bots::lookup(&state.db, token)
                        .await?
                        .ok_or(ApiError::InvalidToken)?;
                    same_account(parts, bot.account_id)?;
                    return Ok(ApiActor::Bot(ApiBot {
                        state: state.clone(),
                        system: AgentProfile::system(bot.account_id),
                        bot,
                        base_url,
                    }));
                }
            },
            // Chatwoot's password sign-in (`/auth/sign_in`) hands out these headers.
            None => match app::auth::device::Presented::from_headers(&parts.headers) {
                Some(presented) => app::auth::device::lookup(
                    &state.db,
                    &presented,
                    state.settings.session_ttl_secs,
                )
                .await
                .map_err(|e| ApiError::App(e.into()))?
                .map(|s| s.agent)
                .ok_or(ApiError::NoToken)?,
                None => parts
                    .extensions
                    .get::<Session>()
                    .map(|s| s.agent.clone())
                    .ok_or(ApiError::NoToken)?,
            },
        };
        same_account(parts, agent.account_id)?;
        Ok(ApiActor::Agent(ApiAgent {
            state: state.clone(),
            agent,
            base_url,
        }))
    }
}

/// The account in the path must be the caller's.
fn same_account(parts: &Parts, account_id: i64) -> Result<(), ApiError> {
    match path_account(parts.uri.path()) {
        Some(account) if account.parse::<i64>().ok() != Some(account_id) => {
            Err(ApiError::OtherAccount)
        }
        _ => Ok(()),
    }
}

/// The server's address for files' `data_url`: the configured public URL, else as the
/// caller reached it (a `Host` header is the caller's to choose).
pub fn base_url_of(headers: &http::HeaderMap, state: &AppState) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.clone();
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// Path parameters; an id that is not a number names nothing (404).
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Ids(v))
            .map_err(|_| ApiError::App(app::error::AppError::NotFound))
    }
}

/// The query string, every pair in order (`labels[]=a&labels[]=b` keeps both).
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        let bracketed = format!("{key}[]");
        self.0
            .iter()
            .filter(|(k, _)| *k == key || *k == bracketed)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()))
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A number, `None` when absent or empty; anything else is a 422 naming it.
    pub fn number(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::App(app::error::AppError::validation(key, "invalid"))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Params(v))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// A JSON body; one that does not parse is a 400 saying why. An empty body is `{}`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text)
            .map(Body)
            .map_err(|e| ApiError::BadRequest(format!("the body is not the JSON expected: {e}")))
    }
}
