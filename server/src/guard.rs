//! Cross-site defences for every request: state-changing API calls and the agents'
//! live socket only from Charla's own pages (a browser always says where a request
//! comes from: `Sec-Fetch-Site`, `Origin`), and the usual security headers, with the
//! dashboard never framed and the widget framed only by its inbox's allowed sites.
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, Method};

use app::error::AppError;
use app::state::AppState;

/// Whether a browser says this request comes from another site. Requests without
/// either header come from programs (no ambient cookies to abuse) and pass.
fn cross_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !authority.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// API calls that change something, and the agents' socket (it carries the session
/// cookie), must come from our own pages. Webhooks (`/webhooks/`) are server-to-server
/// and signed; the visitors' socket carries its token in the address, not a cookie.
fn needs_same_origin(method: &Method, path: &str) -> bool {
    path.starts_with("/api/")
        && (!matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) || path == "/api/live")
}

pub async fn same_origin(req: Request, next: Next) -> Response {
    if needs_same_origin(req.method(), req.uri().path()) && cross_origin(req.headers()) {
        tracing::info!(path = req.uri().path(), "cross-site request refused");
        return AppError::Forbidden.into_response();
    }
    next.run(req).await
}

/// The CSP `frame-ancestors` of a widget page: the inbox's allowed origins, or any
/// site when the inbox lists none.
async fn widget_ancestors(state: &AppState, token: &str) -> String {
    let origins = match app::widget::ssr::inbox_by_token(&state.db, token).await {
        Ok(inbox) => inbox
            .settings
            .get("allowed_origins")
            .and_then(|o| o.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|o| o.as_str())
                    .filter(|o| app::domain::web_chat::is_origin(o))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    if origins.is_empty() {
        "*".to_owned()
    } else {
        format!("'self' {}", origins.join(" "))
    }
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let widget_token = path
        .strip_prefix("/widget/")
        .map(|rest| rest.split('/').next().unwrap_or_default().to_owned());
    let ancestors = match &widget_token {
        Some(token) => widget_ancestors(&state, token).await,
        None => "'none'".to_owned(),
    };
    let headers = res.headers_mut();
    // Pages bring their own policy (scripts by nonce, see `app::csp`), files theirs
    // (`sandbox`); every response gets who may frame it, first.
    let policy = match headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
    {
        Some(own) if own.contains("frame-ancestors") => own.to_owned(),
        Some(own) => format!("frame-ancestors {ancestors}; {own}"),
        None => format!(
            "frame-ancestors {ancestors}; object-src 'none'; base-uri 'self'; form-action 'self'"
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.entry(name).or_insert(value);
        }
    };
    if state.settings.hsts {
        set("strict-transport-security", "max-age=31536000");
    }
    set("x-content-type-options", "nosniff");
    set("referrer-policy", "strict-origin-when-cross-origin");
    // The widget's page keeps the window that opened it (the launcher's popout hands
    // the visitor over through `window.opener`); every other page is isolated.
    if widget_token.is_some() {
        set("cross-origin-opener-policy", "unsafe-none");
    }
    set("cross-origin-opener-policy", "same-origin");
    // Voice messages need the microphone, here and in the widget's frame.
    set(
        "permissions-policy",
        "microphone=(self), camera=(), geolocation=(), payment=()",
    );
    if widget_token.is_none() {
        set("x-frame-options", "DENY");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn browsers_say_where_requests_come_from() {
        assert!(!cross_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(cross_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(cross_origin(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(cross_origin(&headers(&[("origin", "null"), ("host", "a")])));
        // Programs (tests, curl, the bench) send neither.
        assert!(!cross_origin(&headers(&[("host", "127.0.0.1:3000")])));
    }

    #[test]
    fn which_requests_must_be_same_origin() {
        assert!(needs_same_origin(&Method::POST, "/api/conversations/send"));
        assert!(needs_same_origin(&Method::POST, "/api/uploads"));
        assert!(needs_same_origin(&Method::GET, "/api/live"));
        assert!(!needs_same_origin(&Method::GET, "/api/attachments/1"));
        assert!(!needs_same_origin(&Method::POST, "/webhooks/whatsapp/1"));
        assert!(!needs_same_origin(&Method::GET, "/api/widget/live"));
    }
}
