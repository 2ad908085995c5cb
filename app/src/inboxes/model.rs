//! An inbox as agents see it.
use crate::domain::ChannelKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub id: i64,
    pub name: String,
    pub channel: ChannelKind,
    /// Public token of a web-chat inbox (it is in every page that embeds the widget).
    pub web_token: Option<String>,
}
