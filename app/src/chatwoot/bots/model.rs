//! Agent bots as administrators see and edit them (wasm-safe: the settings section
//! checks the same rules before it asks the server).
use serde::{Deserialize, Serialize};

use crate::chatwoot::webhooks::model::{NAME_MAX_CHARS, URL_MAX_CHARS};

pub const DESCRIPTION_MAX_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentBotView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub outgoing_url: String,
    /// The bot's `api_access_token` (shown to administrators only).
    pub access_token: String,
    /// The HMAC-SHA256 key of the webhook deliveries it gets.
    pub secret: String,
    /// The inboxes whose new conversations it answers.
    pub inbox_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentBotInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub outgoing_url: String,
    /// `None` leaves its inboxes as they are (the API's create and update).
    #[serde(default)]
    pub inbox_ids: Option<Vec<i64>>,
}

impl AgentBotInput {
    /// The rules the browser can check (the server adds which addresses it may call):
    /// the field and the code of the first that fails.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(("name", "required"));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(("name", "too_long"));
        }
        if self.description.trim().chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(("description", "too_long"));
        }
        let url = self.outgoing_url.trim();
        if url.is_empty() {
            return Err(("outgoing_url", "required"));
        }
        if url.chars().count() > URL_MAX_CHARS
            || !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(("outgoing_url", "invalid"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::AgentBotInput;

    fn input(name: &str, url: &str) -> AgentBotInput {
        AgentBotInput {
            name: name.into(),
            outgoing_url: url.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_bot_needs_a_name_and_a_web_address() {
        assert_eq!(input("Ana", "https://bot.example/hook").check(), Ok(()));
        assert_eq!(
            input(" ", "https://bot.example").check(),
            Err(("name", "required"))
        );
        assert_eq!(input("Ana", "").check(), Err(("outgoing_url", "required")));
        assert_eq!(
            input("Ana", "ftp://bot.example").check(),
            Err(("outgoing_url", "invalid"))
        );
        assert_eq!(
            input(&"a".repeat(101), "https://bot.example").check(),
            Err(("name", "too_long"))
        );
    }
}
