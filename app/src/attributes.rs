//! Custom attributes (Atributos personalizados): administrators define them in Ajustes
//! for contacts or conversations; agents fill them in on the contact's page and beside
//! the chat; filters and the Chatwoot API read and write them.
mod admin;
mod api;
mod editor;
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use admin::AttributesAdmin;
pub use api::*;
pub use editor::{saver, AttributesEditor};
pub use model::{AttributeDefinition, AttributeModel, AttributeType, AttributeValues};
