//! Agents as the dashboard sees them: the signed-in profile, teammates and their
//! availability.
mod api;
pub mod model;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod ssr;
mod team;

pub use api::*;
pub use model::{AgentProfile, TeamMember};
pub use team::fetched_team;

#[cfg(test)]
mod tests;
