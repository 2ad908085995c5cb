//! Messages: the history of a conversation, the agent's reply or private note, and a
//! customer's incoming message. A reply is stored together with its outbox row and its
//! events in one transaction before any channel is tried, so nothing is lost if the
//! channel is down, and an idempotency key makes a retried request harmless.
mod author;
mod latest;
mod read;
mod receive;
mod send;
mod store;

pub use latest::{last_from_customer, last_of, window, WINDOW_AFTER, WINDOW_BEFORE};
pub use read::{
    history, history_in_conversation, message_in_tx, messages_by_id_in_tx, visitor_messages_after,
    HISTORY_PAGE,
};
pub use receive::{external_id_stored, receive, receive_in_tx, Inbound};
pub use send::{send, send_as_bot, send_template, BotReply, Outgoing};
pub use store::{
    account_of, add_activity_in_tx, emit_message, insert_attachments_in_tx, insert_outgoing_in_tx,
    mark_read_in_tx, Author, OutgoingRow,
};
