//! Thread helpers: keeping the open conversation's messages in order as they arrive
//! from the server, the live socket and the offline queue.
use super::model::MessageView;

/// Inserts or replaces by id; a confirmed message replaces its optimistic copy.
pub fn upsert_message(list: &mut Vec<MessageView>, message: MessageView) {
    if let Some(existing) = list.iter_mut().find(|m| m.id == message.id) {
        *existing = message;
    } else {
        let at = list
            .iter()
            .position(|m| m.id > message.id && m.id > 0)
            .unwrap_or(list.len());
        list.insert(at, message);
    }
}

/// Adds a message a response brought, unless live events already did: theirs may
/// carry a newer delivery state, the response is only a fallback for a socket that
/// is behind.
pub fn add_if_missing(list: &mut Vec<MessageView>, message: MessageView) {
    if !list.iter().any(|m| m.id == message.id) {
        upsert_message(list, message);
    }
}
