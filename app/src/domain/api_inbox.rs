//! An API inbox's settings as administrators edit them (Chatwoot's API channel), with
//! the rules shared by the form and the server. Its customers arrive through the
//! Client API (`/public/api/v1/inboxes/{identifier}/…`); the inbox's events (agents'
//! replies among them) are POSTed to its webhook URL, as Chatwoot's API channel does.
use serde::{Deserialize, Serialize};

pub const URL_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiInboxSettings {
    /// The Client API's `inbox_identifier` (made with the inbox, never edited).
    pub identifier: String,
    /// Where the inbox's events go (Chatwoot's webhook payloads); may be empty.
    pub webhook_url: String,
    /// The key of their `X-Chatwoot-Signature` (read only; empty without a URL).
    #[serde(default)]
    pub secret: String,
    /// Client API contacts must prove who they are (`identifier_hash`); Chatwoot's
    /// `hmac_mandatory`.
    #[serde(default)]
    pub hmac_mandatory: bool,
}

impl ApiInboxSettings {
    /// The webhook URL as it is kept (trimmed), or the field and code of what is wrong.
    /// The server also checks which addresses it may call.
    pub fn checked_url(&self) -> Result<String, (&'static str, &'static str)> {
        let url = self.webhook_url.trim();
        if url.is_empty() {
            return Ok(String::new());
        }
        if url.chars().count() > URL_MAX_CHARS
            || !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            return Err(("webhook_url", "invalid"));
        }
        Ok(url.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Result<String, (&'static str, &'static str)> {
        ApiInboxSettings {
            identifier: String::new(),
            webhook_url: text.into(),
            secret: String::new(),
            hmac_mandatory: false,
        }
        .checked_url()
    }

    #[test]
    fn a_webhook_url_is_optional_and_http() {
        assert_eq!(url("  "), Ok(String::new()));
        assert_eq!(
            url(" https://crm.example/charla "),
            Ok("https://crm.example/charla".into())
        );
        assert_eq!(url("ftp://crm.example"), Err(("webhook_url", "invalid")));
        assert_eq!(url("https://a b.example"), Err(("webhook_url", "invalid")));
        let long = format!("https://x.example/{}", "a".repeat(URL_MAX_CHARS));
        assert_eq!(url(&long), Err(("webhook_url", "invalid")));
    }
}
