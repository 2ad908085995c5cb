//! Server side of the inbox: who may see what, the list queries and the services that
//! change conversations. Every change goes through one write transaction that also
//! appends the live events.
pub mod access;
pub mod actions;
pub mod activity;
pub mod assignment;
pub mod attachments;
pub mod attributes;
pub mod blocked;
pub mod bulk;
pub mod detail;
pub mod folders;
pub mod list;
pub mod messages;
pub mod muting;
pub mod numbered;
pub mod opening;
pub mod out_of_office;
pub mod routing;
mod status;
pub mod survey;
pub mod templates;
pub mod waiting;
