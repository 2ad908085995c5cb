//! What the chat tells the host page's scripts, which its launcher fires as window
//! events (Chatwoot's `chatwoot:on-message` and the rest): each message that arrives
//! once the chat is open, in the shape Chatwoot's widget gives it.
use std::collections::HashSet;

use leptos::prelude::*;

use super::{host, VisitorMessage, WidgetState};

/// Chatwoot's `file_type` for a file's media type.
fn file_type(content_type: &str) -> &'static str {
    match content_type.split('/').next().unwrap_or_default() {
        "image" => "image",
        "audio" => "audio",
        "video" => "video",
        _ => "file",
    }
}

/// A message as Chatwoot's widget hands it to `chatwoot:on-message`: `message_type` 0
/// from the visitor, 1 from the team; seconds since the epoch.
pub fn message_json(m: &VisitorMessage) -> serde_json::Value {
    let sender = if m.from_agent {
        serde_json::json!({ "type": "user", "name": m.agent_name.clone().unwrap_or_default() })
    } else {
        serde_json::json!({ "type": "contact" })
    };
    serde_json::json!({
        "id": m.id,
        "content": m.body,
        "message_type": if m.from_agent { 1 } else { 0 },
        "content_type": if m.survey.is_some() { "input_csat" } else { "text" },
        "created_at": m.created_at.div_euclid(1000),
        "sender": sender,
        "attachments": m.attachments.iter().map(|a| serde_json::json!({
            "id": a.id,
            "file_type": file_type(&a.content_type),
            "file_name": a.file_name,
            "file_size": a.byte_size,
        })).collect::<Vec<_>>(),
    })
}

/// Tells the host of each message new since the chat opened (the history it opened
/// with is not news, nor a message seen again with a change).
pub fn watch(messages: RwSignal<Vec<VisitorMessage>>, state: RwSignal<Option<WidgetState>>) {
    let seen = StoredValue::new(None::<HashSet<i64>>);
    Effect::new(move |_| {
        if !state.with(Option::is_some) {
            return;
        }
        messages.with(|list| {
            seen.update_value(|seen| match seen {
                None => *seen = Some(list.iter().map(|m| m.id).collect()),
                Some(known) => {
                    for m in list {
                        if known.insert(m.id) {
                            host::tell("on-message", message_json(m));
                        }
                    }
                }
            })
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::model::AttachmentView;

    fn message(from_agent: bool) -> VisitorMessage {
        VisitorMessage {
            id: 7,
            body: "Hola".into(),
            from_agent,
            agent_name: from_agent.then(|| "Lucía".to_owned()),
            created_at: 1_700_000_000_999,
            attachments: vec![AttachmentView {
                id: 3,
                file_name: "foto.png".into(),
                content_type: "image/png".into(),
                byte_size: 10,
                duration_ms: None,
            }],
            survey: None,
        }
    }

    #[test]
    fn chatwoot_shape_of_a_reply_and_of_the_visitors_message() {
        let reply = message_json(&message(true));
        assert_eq!(reply["message_type"], 1);
        assert_eq!(reply["content"], "Hola");
        assert_eq!(reply["created_at"], 1_700_000_000);
        assert_eq!(reply["sender"]["name"], "Lucía");
        assert_eq!(reply["attachments"][0]["file_type"], "image");
        let own = message_json(&message(false));
        assert_eq!(own["message_type"], 0);
        assert_eq!(own["sender"]["type"], "contact");
    }

    #[test]
    fn file_types_as_chatwoot_names_them() {
        assert_eq!(file_type("audio/ogg"), "audio");
        assert_eq!(file_type("application/pdf"), "file");
        assert_eq!(file_type(""), "file");
    }
}
