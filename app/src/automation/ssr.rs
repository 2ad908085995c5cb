//! Server side of automation rules: their storage and the references they must keep.
mod apply;
mod book;
pub mod engine;
mod facts;
pub mod references;
pub mod store;
