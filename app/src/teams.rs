//! Teams (Equipos): administrators keep them in Ajustes; a conversation may belong to
//! one, and the list filters by it (the team's queue).
mod admin;
mod api;
mod catalog;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use admin::TeamsAdmin;
pub use api::*;
pub use catalog::TeamCatalog;
pub use model::Team;
