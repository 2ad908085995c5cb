//! The WhatsApp Cloud API (Meta's Graph API) as Charla uses it: send a message, upload
//! and download media, list message templates. Errors are sorted into "try again"
//! (no answer, 429, 5xx, Meta's throttling codes) and "give up" (everything else, with
//! Meta's code and reason for the agent to read). The access token goes only to the
//! Graph API host the server allows, on a public address (`channels::outbound`).
use serde_json::Value;
use std::time::Duration;

use super::inbox::WhatsAppInbox;
use crate::channels::outbound::{self, Failure, OutboundPolicy};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// Meta answered "later" (429, 5xx, throttling codes).
    Retry(String),
    /// No answer: the connection failed or timed out (tried again too).
    Unreachable(String),
    Permanent(String),
    /// The URL or the address it resolves to is not one this server sends a token to.
    NotAllowed(String),
}

impl GraphError {
    pub fn text(&self) -> &str {
        match self {
            GraphError::Retry(t)
            | GraphError::Unreachable(t)
            | GraphError::Permanent(t)
            | GraphError::NotAllowed(t) => t,
        }
    }

    /// Worth trying again later.
    pub fn is_retry(&self) -> bool {
        matches!(self, GraphError::Retry(_) | GraphError::Unreachable(_))
    }

    /// What the settings page may tell the browser: a code, never Meta's (or another
    /// server's) words.
    pub fn failure(&self) -> Failure {
        match self {
            GraphError::NotAllowed(_) => Failure::NotAllowed,
            GraphError::Unreachable(_) => Failure::Unreachable,
            GraphError::Retry(_) | GraphError::Permanent(_) => Failure::Refused,
        }
    }

    /// A failed request: refused by the outbound policy's resolver, or no answer.
    fn network(err: reqwest::Error) -> GraphError {
        match outbound::find_refusal(&err) {
            Some(refusal) if refusal.kind == Failure::NotAllowed => {
                GraphError::NotAllowed(refusal.detail.clone())
            }
            _ => GraphError::Unreachable(format!("network: {err}")),
        }
    }
}

/// Meta error codes that mean "later" rather than "never": rate limits, throttling,
/// temporary service trouble.
const RETRYABLE_CODES: &[i64] = &[
    1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004,
];

/// Media WhatsApp can carry: documents up to 100 MB are the largest.
pub const MEDIA_MAX_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Clone)]
pub struct Graph {
    http: reqwest::Client,
    outbound: OutboundPolicy,
}

impl Default for Graph {
    /// Meta's host only, on public addresses.
    fn default() -> Self {
        Graph::new(OutboundPolicy::default())
    }
}

/// Meta's answer to a failed call, as the agent should read it: "131047 · Re-engagement message".
pub fn describe_error(status: u16, body: &str) -> (bool, String) {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
    let title = error
        .and_then(|e| {
            e.get("error_user_title")
                .or_else(|| e.get("title"))
                .or_else(|| e.get("message"))
        })
        .and_then(Value::as_str)
        .map(str::to_owned);
    let details = error
        .and_then(|e| e.get("error_data"))
        .and_then(|d| d.get("details"))
        .and_then(Value::as_str);
    let mut text = match (code, title) {
        (Some(code), Some(title)) => format!("{code} · {title}"),
        (Some(code), None) => format!("{code}"),
        (None, Some(title)) => title,
        (None, None) => format!("HTTP {status}"),
    };
    if let Some(details) = details {
        text.push_str(&format!(" ({details})"));
    }
    let retry =
        status == 429 || status >= 500 || code.is_some_and(|c| RETRYABLE_CODES.contains(&c));
    (retry, text.chars().take(500).collect())
}

impl Graph {
    /// A client whose connections follow `outbound`: names resolve only to the
    /// addresses it allows, and every URL is checked before the token goes to it.
    pub fn new(outbound: OutboundPolicy) -> Graph {
        Graph {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .dns_resolver(outbound.resolver())
                .build()
                .expect("HTTP client"),
            outbound,
        }
    }

    /// The URL of an API path, if the server allows sending the token there.
    fn url(&self, inbox: &WhatsAppInbox, path: &str) -> Result<String, GraphError> {
        let url = format!("{}/{}/{}", inbox.api_base_url, inbox.api_version, path);
        self.allowed(url, OutboundPolicy::graph_url)
    }

    fn allowed(
        &self,
        url: String,
        rule: fn(&OutboundPolicy, &str) -> Result<(), &'static str>,
    ) -> Result<String, GraphError> {
        match rule(&self.outbound, &url) {
            Ok(()) => Ok(url),
            Err(code) => {
                let host = reqwest::Url::parse(&url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or_default();
                Err(GraphError::NotAllowed(format!(
                    "{code}: this server does not send the access token to {host:?}"
                )))
            }
        }
    }

    async fn answer(
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Value, GraphError> {
        let response = response.map_err(GraphError::network)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(GraphError::network)?;
        if (200..300).contains(&status) {
            serde_json::from_str(&body)
                .map_err(|_| GraphError::Retry(format!("HTTP {status}: unreadable answer")))
        } else {
            let (retry, text) = describe_error(status, &body);
            Err(if retry {
                GraphError::Retry(text)
            } else {
                GraphError::Permanent(text)
            })
        }
    }

    /// Sends one message payload; Meta's message id (`wamid…`).
    pub async fn send(&self, inbox: &WhatsAppInbox, payload: &Value) -> Result<String, GraphError> {
        let url = self.url(inbox, &format!("{}/messages", inbox.phone_number_id))?;
        let answer = Self::answer(
            self.http
                .post(url)
                .bearer_auth(&inbox.access_token)
                .json(payload)
                .send()
                .await,
        )
        .await?;
        answer["messages"][0]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| GraphError::Retry("answer without a message id".into()))
    }

    /// Uploads a file to the number's media store; the media id to send.
    pub async fn upload(
        &self,
        inbox: &WhatsAppInbox,
        bytes: Vec<u8>,
        content_type: &str,
        file_name: &str,
    ) -> Result<String, GraphError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)
            .map_err(|e| GraphError::Permanent(format!("content type: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", content_type.to_owned())
            .part("file", part);
        let url = self.url(inbox, &format!("{}/media", inbox.phone_number_id))?;
        let answer = Self::answer(
            self.http
                .post(url)
                .bearer_auth(&inbox.access_token)
                .multipart(form)
                .send()
                .await,
        )
        .await?;
        answer["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| GraphError::Retry("upload answer without a media id".into()))
    }

    /// Downloads an inbound media file: (bytes, content type).
    pub async fn download(
        &self,
        inbox: &WhatsAppInbox,
        media_id: &str,
    ) -> Result<(Vec<u8>, String), GraphError> {
        if media_id.is_empty()
            || !media_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(GraphError::Permanent("invalid media id".into()));
        }
        let meta = Self::answer(
            self.http
                .get(self.url(inbox, media_id)?)
                .bearer_auth(&inbox.access_token)
                .send()
                .await,
        )
        .await?;
        let url = meta["url"]
            .as_str()
            .ok_or_else(|| GraphError::Retry("media answer without a url".into()))?;
        let url = self.allowed(url.to_owned(), OutboundPolicy::media_url)?;
        let mime = meta["mime_type"]
            .as_str()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut response = self
            .http
            .get(url)
            .bearer_auth(&inbox.access_token)
            .send()
            .await
            .map_err(GraphError::network)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let body = response.text().await.unwrap_or_default();
            let (retry, text) = describe_error(status, &body);
            return Err(if retry {
                GraphError::Retry(text)
            } else {
                GraphError::Permanent(text)
            });
        }
        if response
            .content_length()
            .is_some_and(|n| n > MEDIA_MAX_BYTES)
        {
            return Err(GraphError::Permanent("media too large".into()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(GraphError::network)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MEDIA_MAX_BYTES {
                return Err(GraphError::Permanent("media too large".into()));
            }
        }
        Ok((bytes, mime))
    }

    /// Every message template of the business account, following Meta's paging. The
    /// `next` links are followed only on the configured API host, so the access token
    /// never goes anywhere else.
    pub async fn templates(&self, inbox: &WhatsAppInbox) -> Result<Vec<Value>, GraphError> {
        let mut url = self.url(
            inbox,
            &format!(
                "{}/message_templates?limit=100&fields=id,name,language,category,status,parameter_format,components",
                inbox.business_account_id
            ),
        )?;
        let mut all = Vec::new();
        for _ in 0..100 {
            let page = Self::answer(
                self.http
                    .get(&url)
                    .bearer_auth(&inbox.access_token)
                    .send()
                    .await,
            )
            .await?;
            if let Some(data) = page["data"].as_array() {
                all.extend(data.iter().cloned());
            }
            match page["paging"]["next"].as_str() {
                Some(next) if next.starts_with(&format!("{}/", inbox.api_base_url)) => {
                    url = self.allowed(next.to_owned(), OutboundPolicy::graph_url)?;
                }
                _ => return Ok(all),
            }
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sorted_and_described() {
        let body = r#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
            "error_data":{"messaging_product":"whatsapp","details":"More than 24 hours have passed"},"fbtrace_id":"x"}}"#;
        let (retry, text) = describe_error(400, body);
        assert!(!retry);
        assert_eq!(
            text,
            "131047 · (#131047) Re-engagement message (More than 24 hours have passed)"
        );
        let (retry, _) = describe_error(
            400,
            r#"{"error":{"code":130429,"message":"Rate limit hit"}}"#,
        );
        assert!(retry);
        assert_eq!(describe_error(503, "oops"), (true, "HTTP 503".into()));
        assert!(describe_error(429, "").0);
        assert!(
            !describe_error(
                401,
                r#"{"error":{"code":190,"message":"Invalid OAuth access token"}}"#
            )
            .0
        );
    }
}
