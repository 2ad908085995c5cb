//! Sign-in vocabulary every floor may name: the session the middleware resolves, and
//! the throttle's limits (configuration).
use crate::agents::model::AgentProfile;
use serde::{Deserialize, Serialize};

/// A signed-in agent, as the session middleware puts it in the request.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub agent: AgentProfile,
}

/// How many failures a window allows. Configuration: `CHARLA_SIGN_IN_MAX_FAILURES`,
/// `CHARLA_SIGN_IN_MAX_FAILURES_PER_ADDRESS`, `CHARLA_SIGN_IN_WINDOW_MINUTES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub per_account: u32,
    /// Higher than per account: an office behind one address shares it.
    pub per_address: u32,
    pub window_secs: i64,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_account: 5,
            per_address: 30,
            window_secs: 15 * 60,
        }
    }
}

/// What the dashboard loads once: who is signed in, and the live-event id its data
/// is as fresh as (the socket resumes after it, so nothing in between is missed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub agent: AgentProfile,
    pub last_event_id: i64,
}
