//! The open conversation: header with actions (assign, resolve, snooze, mark unread),
//! messages grouped by day with delivery state, older history on scroll, the contact
//! panel and the composer.
mod automation_line;
mod conversation;
mod email;
mod found;
mod header;
mod live;
mod macros;
mod message;
mod messages;
mod more_actions;
mod view;

pub use view::ChatView;
