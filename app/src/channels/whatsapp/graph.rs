//! The WhatsApp Cloud API (Meta's Graph API) as Charla uses it: send a message, upload
//! and download media, list message templates. Errors are sorted into "try again"
//! (network, 429, 5xx, Meta's throttling codes) and "give up" (everything else, with
//! Meta's code and reason for the agent to read).
use serde_json::Value;
use std::time::Duration;

use super::inbox::WhatsAppInbox;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    Retry(String),
    Permanent(String),
}

impl GraphError {
    pub fn text(&self) -> &str {
        match self {
            GraphError::Retry(t) | GraphError::Permanent(t) => t,
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
}

impl Default for Graph {
    fn default() -> Self {
        Graph::new()
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
    pub fn new() -> Graph {
        Graph {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
        }
    }

    fn url(inbox: &WhatsAppInbox, path: &str) -> String {
        format!("{}/{}/{}", inbox.api_base_url, inbox.api_version, path)
    }

    async fn answer(
        response: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Value, GraphError> {
        let response = response.map_err(|e| GraphError::Retry(format!("network: {e}")))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| GraphError::Retry(format!("network: {e}")))?;
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
        let url = Self::url(inbox, &format!("{}/messages", inbox.phone_number_id));
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
        let url = Self::url(inbox, &format!("{}/media", inbox.phone_number_id));
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
                .get(Self::url(inbox, media_id))
                .bearer_auth(&inbox.access_token)
                .send()
                .await,
        )
        .await?;
        let url = meta["url"]
            .as_str()
            .ok_or_else(|| GraphError::Retry("media answer without a url".into()))?;
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
            .map_err(|e| GraphError::Retry(format!("network: {e}")))?;
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
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| GraphError::Retry(format!("network: {e}")))?
        {
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
        let mut url = Self::url(
            inbox,
            &format!(
                "{}/message_templates?limit=100&fields=id,name,language,category,status,parameter_format,components",
                inbox.business_account_id
            ),
        );
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
                    url = next.to_owned();
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
