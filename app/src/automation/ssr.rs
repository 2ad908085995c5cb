//! Server side of automation rules: their storage and order, the references they must
//! keep, the engine that runs them and their trial.
mod act;
pub mod apply;
mod book;
pub mod engine;
mod facts;
pub mod mail;
pub mod no_reply;
pub mod order;
pub mod outreach;
pub mod references;
pub mod store;
pub mod trial;
