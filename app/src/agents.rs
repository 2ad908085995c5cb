//! Agents as the dashboard sees them: the signed-in profile, teammates and their
//! availability.
mod api;
pub mod invitation;
pub mod model;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod ssr;
mod team;

pub use api::*;
pub use model::{AgentProfile, TeamMember};
pub use team::fetched_team;

/// Where an invited agent chooses her password.
pub fn invitation_path(token: &str) -> String {
    format!("/invitation/{token}")
}

#[cfg(test)]
mod tests;
