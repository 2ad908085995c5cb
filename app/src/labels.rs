//! Labels (Etiquetas): administrators define them in Ajustes, agents put them on
//! conversations from the chat, and the list shows and filters by them.
mod admin;
mod api;
mod chips;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use admin::LabelsAdmin;
pub use api::*;
pub use chips::{LabelCatalog, LabelChip, LabelChips};
pub use model::Label;
