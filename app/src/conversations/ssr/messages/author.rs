//! Who writes an outgoing message: the sender columns, the live view's sender and the
//! read mark follow from it.
use crate::agents::AgentProfile;
use crate::conversations::model::SenderKind;

/// Who writes an outgoing message: a teammate, or an agent bot through the API.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    Agent(&'a AgentProfile),
    Bot {
        id: i64,
        account_id: i64,
        name: &'a str,
    },
    /// The inbox itself (the out-of-office reply): no sender.
    Automatic {
        account_id: i64,
    },
}

impl Author<'_> {
    pub fn account_id(self) -> i64 {
        match self {
            Author::Agent(agent) => agent.account_id,
            Author::Bot { account_id, .. } | Author::Automatic { account_id } => account_id,
        }
    }

    pub fn agent_id(self) -> Option<i64> {
        match self {
            Author::Agent(agent) => Some(agent.id),
            Author::Bot { .. } | Author::Automatic { .. } => None,
        }
    }

    pub fn bot_id(self) -> Option<i64> {
        match self {
            Author::Agent(_) | Author::Automatic { .. } => None,
            Author::Bot { id, .. } => Some(id),
        }
    }

    pub fn name(self) -> String {
        match self {
            Author::Agent(agent) => agent.name.clone(),
            Author::Bot { name, .. } => name.to_owned(),
            Author::Automatic { .. } => String::new(),
        }
    }

    pub fn kind(self) -> SenderKind {
        match self {
            Author::Agent(_) => SenderKind::Agent,
            Author::Bot { .. } => SenderKind::Bot,
            Author::Automatic { .. } => SenderKind::System,
        }
    }
}
