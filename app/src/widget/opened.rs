//! Tells the server the visitor opened the chat (`POST /api/widget/triggered`, which
//! tells webhooks Chatwoot's `webwidget_triggered`): once the widget has loaded, and
//! again each time the host's launcher opens it. Nothing waits on the answer and a
//! failure changes nothing the visitor sees.
use super::HostUser;

/// What the widget knows of the opening.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct Opening {
    pub token: String,
    pub visitor: Option<String>,
    pub user: Option<HostUser>,
    pub locale: String,
}

pub fn tell(opening: Opening) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let body = serde_json::json!({
            "token": opening.token,
            "visitor": opening.visitor,
            "user": opening.user,
            "referer": super::host::page(),
            "initiated_at": js_sys::Date::new_0().to_string().as_string(),
            "locale": opening.locale,
        });
        let sent = gloo_net::http::Request::post("/api/widget/triggered")
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Ok(request) = sent {
            // Throttled or failed: the chat works the same; only a webhook is not told.
            let _ = request.send().await;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = opening;
}
