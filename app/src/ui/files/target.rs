//! Where a file is uploaded to, and how the address is written.
/// Where uploads go: an agent's conversation, or a visitor's widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadTarget {
    Agent {
        conversation_id: i64,
    },
    /// A template header for a conversation an agent is starting in this inbox.
    AgentInbox {
        inbox_id: i64,
    },
    Visitor {
        token: String,
        visitor: String,
    },
}

impl UploadTarget {
    pub fn upload_url(&self, name: &str, voice: bool, duration_ms: Option<i64>) -> String {
        let mut url = match self {
            UploadTarget::Agent { conversation_id } => {
                format!("/api/uploads?conversation_id={conversation_id}")
            }
            UploadTarget::AgentInbox { inbox_id } => format!("/api/uploads?inbox_id={inbox_id}"),
            // The visitor's own token goes in a header (`VISITOR_HEADER`), never in
            // an address that logs and histories keep.
            UploadTarget::Visitor { token, .. } => {
                format!(
                    "/api/widget/uploads?token={}",
                    crate::ui::encode_query(token)
                )
            }
        };
        url.push_str(&format!("&name={}", crate::ui::encode_query(name)));
        if voice {
            url.push_str("&voice=true");
        }
        if let Some(ms) = duration_ms {
            url.push_str(&format!("&duration_ms={ms}"));
        }
        url
    }

    pub fn discard_url(&self, id: i64) -> String {
        match self {
            UploadTarget::Agent { .. } | UploadTarget::AgentInbox { .. } => {
                format!("/api/uploads/{id}/discard")
            }
            UploadTarget::Visitor { token, .. } => {
                format!(
                    "/api/widget/uploads/{id}/discard?token={}",
                    crate::ui::encode_query(token)
                )
            }
        }
    }

    /// The visitor token to send in [`VISITOR_HEADER`] (visitors only).
    pub fn visitor(&self) -> Option<String> {
        match self {
            UploadTarget::Visitor { visitor, .. } => Some(visitor.clone()),
            _ => None,
        }
    }
}
