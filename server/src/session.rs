//! Resolves the session cookie on every request and guards the pages: a page request
//! without a session is sent to /login; server functions check for themselves.
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

use app::auth::ssr::{lookup, session_token};
use app::state::AppState;

/// Paths reachable without signing in.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/widget.js"
        || path == "/packs/js/sdk.js"
        || path.starts_with("/widget/")
        || path.starts_with("/survey/")
        || path.starts_with("/invitation/")
        || path.starts_with("/webhooks/")
        || path.starts_with("/public/api/")
        // Chatwoot's ActionCable: a Client API contact subscribes with her token.
        || path == "/cable"
        || path.starts_with("/pkg/")
        || path == "/favicon.ico"
        || path == "/favicon.svg"
        // Browsers fetch the manifest and its icons without the session cookie; the
        // service worker's script is a static file like them (signed-out pages may
        // register it, and a redirect to /login would fail its registration).
        || path == "/manifest.webmanifest"
        || path.starts_with("/icons/")
        || path == "/sw.js"
}

/// Everything that is not an API call or a static file is a page.
fn is_page(method: &Method, path: &str) -> bool {
    method == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/public/api/")
        && !path.starts_with("/auth/")
        && !path.starts_with("/pkg/")
}

pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = match session_token(req.headers()) {
        Some(token) => match lookup(&state.db, &token, state.settings.session_ttl_secs).await {
            Ok(session) => session,
            Err(err) => {
                tracing::warn!(error = %err, "session lookup failed");
                return app::error::AppError::from(err).into_response();
            }
        },
        None => None,
    };
    let path = req.uri().path().to_owned();
    if is_page(req.method(), &path) {
        if session.is_none() && !is_public(&path) {
            return Redirect::to("/login").into_response();
        }
        if session.is_some() && path == "/login" {
            return Redirect::to("/conversations").into_response();
        }
    }
    if let Some(session) = session {
        if is_page(req.method(), &path) {
            // Pages start their live socket after the newest event at render time.
            match app::db::events::last_id(&state.db, session.agent.account_id).await {
                Ok(last_event_id) => {
                    req.extensions_mut().insert(app::auth::SessionInfo {
                        agent: session.agent.clone(),
                        last_event_id,
                    });
                }
                Err(err) => {
                    tracing::warn!(error = %err, "reading the event log failed");
                    return app::error::AppError::from(err).into_response();
                }
            }
        }
        req.extensions_mut().insert(session);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_login_and_assets_are_public_pages() {
        assert!(is_public("/login"));
        assert!(is_public("/pkg/charla.wasm"));
        assert!(!is_public("/conversations"));
        assert!(!is_public("/"));
        assert!(is_public("/webhooks/whatsapp/1"));
        assert!(is_public("/invitation/abc"));
        assert!(is_public("/manifest.webmanifest"));
        assert!(is_public("/icons/charla-192.png"));
        assert!(is_public("/packs/js/sdk.js"));
        assert!(is_public("/sw.js"));
        assert!(is_page(&Method::GET, "/settings"));
        assert!(!is_page(&Method::POST, "/settings"));
        assert!(!is_page(&Method::GET, "/api/live"));
        assert!(!is_page(&Method::GET, "/auth/validate_token"));
    }
}
