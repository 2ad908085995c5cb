//! A Web Push message (RFC 8030): encrypted for one browser (RFC 8291, by
//! web-push-native), signed with the installation's VAPID key, and what the push
//! service answered. The worker that sends them is `push_worker`.
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::vapid::Vapid;
use crate::channels::outbound::OutboundPolicy;
use crate::notifications::model::NotificationKind;

/// How long a push service keeps a message for a browser that is offline.
const TTL: Duration = Duration::from_secs(24 * 3600);

/// A browser's subscription as stored.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub agent_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// What the service worker shows (`public/sw.js`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    /// A path in Charla: a tap opens it.
    pub url: String,
    /// One notification per conversation on the device: a newer one replaces it.
    pub tag: String,
}

/// What a push service answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// The subscription expired or was withdrawn: forget it.
    Gone,
    Failed(String),
}

/// Sends pushes: the VAPID key, and an HTTP client that connects only where the
/// server's outbound policy allows (an endpoint is a URL a browser handed us).
pub struct Pusher {
    vapid: Vapid,
    client: reqwest::Client,
}

impl Pusher {
    pub fn new(vapid: Vapid, policy: &OutboundPolicy) -> Pusher {
        let client = reqwest::Client::builder()
            .dns_resolver(policy.resolver())
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Pusher { vapid, client }
    }

    /// The encrypted request for one subscription.
    pub fn request(
        &self,
        subscription: &Subscription,
        payload: &[u8],
    ) -> Result<http::Request<Vec<u8>>, String> {
        let endpoint: http::Uri = subscription
            .endpoint
            .parse()
            .map_err(|e| format!("endpoint: {e}"))?;
        let origin = format!(
            "{}://{}",
            endpoint.scheme_str().unwrap_or("https"),
            endpoint.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let public = decode(&subscription.p256dh)
            .and_then(|b| web_push_native::p256::PublicKey::from_sec1_bytes(&b).ok())
            .ok_or("p256dh is not a P-256 point")?;
        let auth = decode(&subscription.auth)
            .filter(|b| b.len() == 16)
            .ok_or("auth is not 16 bytes")?;
        let mut request = web_push_native::WebPushBuilder::new(
            endpoint,
            public,
            web_push_native::Auth::clone_from_slice(&auth),
        )
        .with_valid_duration(TTL)
        .build(payload.to_vec())
        .map_err(|e| e.to_string())?;
        let headers = request.headers_mut();
        let vapid = self.vapid.authorization(&origin);
        headers.insert(
            http::header::AUTHORIZATION,
            vapid.parse().map_err(|_| "authorization header")?,
        );
        headers.insert("urgency", http::HeaderValue::from_static("high"));
        Ok(request)
    }

    pub async fn send(&self, subscription: &Subscription, payload: &[u8]) -> Outcome {
        let request = match self
            .request(subscription, payload)
            .and_then(|r| reqwest::Request::try_from(r).map_err(|e| e.to_string()))
        {
            Ok(request) => request,
            Err(err) => return Outcome::Failed(err),
        };
        match self.client.execute(request).await {
            Ok(response) if response.status().is_success() => Outcome::Delivered,
            Ok(response) if matches!(response.status().as_u16(), 404 | 410) => Outcome::Gone,
            Ok(response) => Outcome::Failed(format!("push service answered {}", response.status())),
            Err(err) => Outcome::Failed(err.to_string()),
        }
    }
}

/// Base64url with or without padding (browsers give it without).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}

/// The notification as the device shows it, in the agent's language.
pub fn payload(
    kind: NotificationKind,
    locale: &str,
    display_id: i64,
    actor: String,
    body: String,
    conversation_id: i64,
) -> Payload {
    let title = super::texts::title(kind, locale, display_id, &actor);
    let body: String = body.chars().take(super::create::PREVIEW_CHARS).collect();
    Payload {
        title,
        body: match kind {
            NotificationKind::Mention | NotificationKind::CustomerReply => body,
            _ if body.is_empty() => actor,
            _ => format!("{actor}: {body}"),
        },
        url: format!("/conversations/{conversation_id}?tab=all"),
        tag: format!("conversation-{conversation_id}"),
    }
}
