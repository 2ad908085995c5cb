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
}

impl Author<'_> {
    pub fn account_id(self) -> i64 {
        match self {
            Author::Agent(agent) => agent.account_id,
            Author::Bot { account_id, .. } => account_id,
        }
    }

    pub fn agent_id(self) -> Option<i64> {
        match self {
            Author::Agent(agent) => Some(agent.id),
            Author::Bot { .. } => None,
        }
    }

    pub fn bot_id(self) -> Option<i64> {
        match self {
            Author::Agent(_) => None,
            Author::Bot { id, .. } => Some(id),
        }
    }

    pub fn name(self) -> String {
        match self {
            Author::Agent(agent) => agent.name.clone(),
            Author::Bot { name, .. } => name.to_owned(),
        }
    }

    pub fn kind(self) -> SenderKind {
        match self {
            Author::Agent(_) => SenderKind::Agent,
            Author::Bot { .. } => SenderKind::Bot,
        }
    }
}
