//! What each listening socket reads and keeps: frames scanned for their ids, and
//! what it saw (lost, duplicated or out-of-order events).
use std::collections::HashSet;

/// The number right after `key` (the first occurrence).
fn number_after(text: &str, key: &str) -> Option<i64> {
    let rest = &text[text.find(key)? + key.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// An event frame's id, when it was appended (Unix ms) and, for `message_created`, the
/// message's id. Read by scanning rather than parsing: thousands of sockets in this
/// process must not cost more CPU than the server they measure (the frame's field
/// order is serde's, fixed by the types).
pub(super) fn read_frame(text: &str) -> Option<(i64, i64, Option<i64>)> {
    if !text.starts_with(r#"{"frame":"event","id":"#) {
        return None;
    }
    let id = number_after(text, r#""id":"#)?;
    let created_at = number_after(text, r#""created_at":"#).unwrap_or(0);
    let created = number_after(
        text,
        r#""event":{"type":"message_created","message":{"id":"#,
    );
    Some((id, created_at, created))
}

/// What one socket saw.
#[derive(Default)]
pub(super) struct Seen {
    pub created: HashSet<i64>,
    pub events: usize,
    /// Milliseconds from the event's append (inside the committing transaction) to its
    /// arrival here, for every event.
    pub delays_ms: Vec<u32>,
    pub duplicates: usize,
    pub out_of_order: usize,
    pub closed_early: bool,
}

#[cfg(test)]
mod tests {
    use super::read_frame;

    #[test]
    fn reads_the_ids_of_a_real_frame() {
        let frame = app::events::ServerFrame::Hello { last_event_id: 3 };
        let text = serde_json::to_string(&frame).unwrap();
        assert_eq!(read_frame(&text), None);
        let text = r#"{"frame":"event","id":42,"account_id":1,"scope":{"inbox_id":2},"created_at":5,"event":{"type":"message_created","message":{"id":7,"conversation_id":3}}}"#;
        assert_eq!(read_frame(text), Some((42, 5, Some(7))));
        let text = r#"{"frame":"event","id":43,"account_id":1,"created_at":9,"event":{"type":"message_updated","message":{"id":7}}}"#;
        assert_eq!(read_frame(text), Some((43, 9, None)));
    }
}
