//! Server side of Contactos: saving with the uniqueness rules, search, history,
//! CSV import/export, starting a conversation and deletion.
pub mod attributes;
pub mod audit;
mod changed;
pub mod claims;
pub mod csv_io;
pub mod delete;
pub mod history;
pub mod identifier;
pub mod labels;
pub mod merge;
pub mod notes;
pub mod numbered;
pub mod search;
pub mod start;
pub mod store;
