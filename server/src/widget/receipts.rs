//! Read receipts on the website chat. The visitor's widget says how far she has read
//! while it is open and visible; agents' replies up to there become "Leído" (one
//! event each, so every agent's view follows). A reply still on its way (the outbox
//! has not marked it sent) is marked when it is: the socket remembers how far she read.
use app::live::typing::{Said, Signal};
use app::state::AppState;
use app::widget::VisitorFrame;

/// The visitor's reading, as one socket knows it.
#[derive(Default)]
pub(super) struct Reading {
    /// The newest message id she said she has read.
    pub up_to: i64,
}

impl Reading {
    /// She has read up to `up_to` in her conversations `mine`.
    pub async fn read(&mut self, state: &AppState, mine: &[i64], up_to: i64) {
        if up_to <= self.up_to {
            return;
        }
        self.up_to = up_to;
        self.mark(state, mine, up_to).await;
    }

    /// A reply she had already reached was just marked sent: it is read too.
    pub async fn sent(&self, state: &AppState, conversation_id: i64, message_id: i64) {
        if message_id <= self.up_to {
            self.mark(state, &[conversation_id], message_id).await;
        }
    }

    async fn mark(&self, state: &AppState, mine: &[i64], up_to: i64) {
        if let Err(err) =
            app::widget::ssr::read_by_visitor(&state.db, &state.hub, mine, up_to).await
        {
            tracing::warn!(error = %err, "a visitor's read receipt could not be recorded");
        }
    }
}

/// The frame an agent's reading gives this visitor, if the conversation is hers.
pub(super) fn seen_frame(
    signal: &Signal,
    account_id: i64,
    mine: impl Fn(i64) -> bool,
) -> Option<VisitorFrame> {
    match signal.said {
        Said::Read {
            conversation_id,
            at,
        } if signal.account_id == account_id && mine(conversation_id) => {
            Some(VisitorFrame::Seen { at })
        }
        _ => None,
    }
}
