//! `POST /api/widget/triggered`: the widget says the visitor opened the chat (the
//! launcher on the customer's site opened it, or the chat page was opened on its
//! own), and webhooks asking for Chatwoot's `webwidget_triggered` are told, with the
//! `event_info` Chatwoot's widget sends (`initiated_at`, `referer`) and what its
//! server adds (`widget_language`, `browser_language`, `browser` from the User-Agent).
//! Public, as the rest of the widget: openings have their own allowance per address and
//! per inbox (as large as the messages'), so a script can neither make Charla call
//! receivers at will nor spend the allowance real visitors write with.
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

use app::chatwoot::ssr::webhooks::widget_opened::{enqueue, Opened};
use app::error::AppError;
use app::state::AppState;
use app::widget::ssr::identity::{resolve, Visitor};
use app::widget::ssr::inbox_by_token;
use app::widget::HostUser;
use app::wire::request::client_address_of;

/// The longest page address kept as the `referer`.
const REFERER_MAX_CHARS: usize = 2000;
/// The longest of the other short texts (`initiated_at`, languages).
const SHORT_MAX_CHARS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Triggered {
    token: String,
    #[serde(default)]
    visitor: Option<String>,
    #[serde(default)]
    user: Option<HostUser>,
    /// The page the chat was opened on (the customer's site).
    #[serde(default)]
    referer: Option<String>,
    /// The visitor's clock when she opened it, as her browser writes it.
    #[serde(default)]
    initiated_at: Option<String>,
    /// The language the widget shows.
    #[serde(default)]
    locale: Option<String>,
}

pub async fn triggered(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<Triggered>,
) -> Response {
    match tell(&state, peer, &headers, body).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => err.into_response(),
    }
}

async fn tell(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    body: Triggered,
) -> Result<(), AppError> {
    let inbox = inbox_by_token(&state.db, &body.token).await?;
    let address = client_address_of(headers, Some(peer), state.settings.trust_proxy);
    state.widget_guard.opened(inbox.id, address.as_deref())?;
    let visitor = match resolve(
        &state.db,
        &state.settings.secrets,
        &inbox,
        body.visitor.as_deref(),
        body.user.as_ref(),
    )
    .await?
    {
        Visitor::Known(_, identity, contact) | Visitor::VerifiedKnown(identity, contact) => {
            Some((identity, contact))
        }
        Visitor::VerifiedNew(_) | Visitor::Anonymous => None,
    };
    let user_agent = headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let browser_language = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(first_language);
    let opened = Opened {
        account_id: inbox.account_id,
        inbox_id: inbox.id,
        visitor,
        event_info: event_info(&body, browser_language.as_deref(), user_agent),
    };
    // Never the request's Host: anyone may call this, and the payload's links go out signed.
    let base_url = state
        .settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.leptos_options.site_addr));
    enqueue(state, base_url.trim_end_matches('/'), &opened).await?;
    Ok(())
}

/// Chatwoot's `event_info`; texts the visitor's browser sent are cut to size, and a
/// `referer` that is not a web address is left out.
fn event_info(body: &Triggered, browser_language: Option<&str>, user_agent: &str) -> Value {
    let referer = body
        .referer
        .as_deref()
        .map(str::trim)
        .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
        .map(|r| cut(r, REFERER_MAX_CHARS));
    json!({
        "initiated_at": {"timestamp": body.initiated_at.as_deref().map(|t| cut(t, SHORT_MAX_CHARS))},
        "referer": referer,
        "widget_language": body.locale.as_deref().map(|l| cut(l, SHORT_MAX_CHARS)),
        "browser_language": browser_language,
        "browser": browser(user_agent),
    })
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// `es-ES,es;q=0.9,en;q=0.8` → `es`, as Chatwoot reports it.
fn first_language(header: &str) -> Option<String> {
    let tag = header.split(',').next()?.split(';').next()?.trim();
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    (!primary.is_empty() && primary.len() <= 8 && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then_some(primary)
}

/// The browser as Chatwoot's `browser_params` names it, read from the User-Agent.
fn browser(user_agent: &str) -> Value {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let (name, version, os, os_version, category) = match &parsed {
        Some(r) => (r.name, r.version, r.os, r.os_version.as_ref(), r.category),
        None => ("UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN"),
    };
    let known = |v: &str| {
        if v == "UNKNOWN" {
            "Unknown".to_owned()
        } else {
            v.to_owned()
        }
    };
    json!({
        "browser_name": known(name),
        "browser_version": known(version),
        "device_name": known(category),
        "platform_name": known(os),
        "platform_version": known(os_version),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_is_named_from_its_user_agent() {
        let chrome =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/120.0.0.0 Safari/537.36";
        let b = browser(chrome);
        assert_eq!(b["browser_name"], "Chrome");
        assert_eq!(b["browser_version"], "120.0.0.0");
        assert_eq!(b["platform_name"], "Windows 10");
        assert_eq!(b["device_name"], "pc");
        let nothing = browser("");
        assert_eq!(nothing["browser_name"], "Unknown");
    }

    #[test]
    fn the_first_language_is_its_primary_tag() {
        assert_eq!(
            first_language("es-ES,es;q=0.9,en;q=0.8").as_deref(),
            Some("es")
        );
        assert_eq!(first_language("en").as_deref(), Some("en"));
        assert_eq!(first_language("*").as_deref(), None);
        assert_eq!(first_language("").as_deref(), None);
    }

    #[test]
    fn what_the_browser_sent_is_kept_in_bounds() {
        let body = Triggered {
            token: "t".into(),
            visitor: None,
            user: None,
            referer: Some(format!("https://shop.example/{}", "a".repeat(5000))),
            initiated_at: Some("Sun Dec 06 2026 09:00:00 GMT+0100".into()),
            locale: Some("es".into()),
        };
        let info = event_info(&body, Some("es"), "");
        assert_eq!(
            info["referer"].as_str().unwrap().chars().count(),
            REFERER_MAX_CHARS
        );
        assert_eq!(
            info["initiated_at"]["timestamp"],
            "Sun Dec 06 2026 09:00:00 GMT+0100"
        );
        assert_eq!(info["widget_language"], "es");
        let script = Triggered {
            referer: Some("javascript:alert(1)".into()),
            ..body
        };
        assert_eq!(event_info(&script, None, "")["referer"], Value::Null);
    }
}
