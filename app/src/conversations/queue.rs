//! Replies written while the browser has no network: kept in localStorage and sent,
//! oldest first, with the idempotency key they were given when written, once the
//! network is back (the browser's `online` event, the live socket reconnecting, or a
//! retry every few seconds). A reply that reached the server before the network went
//! away is not stored twice: the server answers the same key with the same message.
//! Each queued reply is also handed to the service worker, which sends it when the
//! browser is back online even if the agent has closed Charla by then, and tells the
//! open pages when it has.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::MessageView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedReply {
    pub key: String,
    /// Whose it is: another agent signing in on this browser does not send it.
    pub agent_id: i64,
    pub conversation_id: i64,
    pub body: String,
    pub private: bool,
    pub mentions: Vec<i64>,
    /// The message it answers (replies queued before this field have none).
    #[serde(default)]
    pub reply_to: Option<i64>,
}

/// Shared by the signed-in pages.
#[derive(Clone, Copy)]
pub struct OfflineQueue {
    items: RwSignal<Vec<QueuedReply>>,
    /// The newest reply the queue got through, for an open chat to show at once.
    pub sent: RwSignal<Option<MessageView>>,
    agent_id: i64,
    flushing: RwSignal<bool>,
}

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "charla:queue";

impl OfflineQueue {
    /// Loads what an earlier visit left and starts sending it.
    pub fn provide(agent_id: i64) -> OfflineQueue {
        let queue = OfflineQueue {
            items: RwSignal::new(Vec::new()),
            sent: RwSignal::new(None),
            agent_id,
            flushing: RwSignal::new(false),
        };
        provide_context(queue);
        #[cfg(feature = "hydrate")]
        {
            // Once the page is hydrated: the server drew it without them, and a queued
            // bubble drawn while hydrating would not match its HTML.
            Effect::new(move |_| queue.items.set(storage::load()));
            // Another tab queued or sent something: follow it.
            let _ = window_event_listener(leptos::ev::storage, move |ev| {
                if ev.key().as_deref() == Some(STORAGE_KEY) {
                    queue.items.set(storage::load());
                }
            });
            let _ = window_event_listener(leptos::ev::online, move |_| queue.flush());
            // The service worker sent one: it leaves the queue as if this page had.
            crate::ui::service_worker::on_message(move |data| {
                if data["type"] != "reply-sent" {
                    return;
                }
                let Some(key) = data["key"].as_str() else {
                    return;
                };
                let message = data["message"]
                    .as_str()
                    .and_then(|json| serde_json::from_str::<MessageView>(json).ok());
                queue.forget(key);
                // Another tab may have let go of it first (storage event): the open
                // chat here shows it all the same.
                if let Some(message) = message {
                    queue.sent.set(Some(message));
                }
            });
            if let Some(live) = use_context::<crate::live::Live>() {
                Effect::new(move |_| {
                    if live.status.get() == crate::live::LiveStatus::Live {
                        queue.flush();
                    }
                });
            }
            let _ = set_interval_with_handle(
                move || {
                    if queue.has_own() {
                        queue.flush();
                    }
                },
                std::time::Duration::from_secs(5),
            );
        }
        queue
    }

    pub fn push(&self, reply: QueuedReply) {
        crate::ui::service_worker::post(
            &serde_json::json!({"type": "queue-reply", "reply": reply}),
        );
        self.items.update(|items| items.push(reply));
        self.persist();
    }

    /// This agent's queued replies in one conversation, oldest first.
    pub fn in_conversation(&self, conversation_id: i64) -> Vec<QueuedReply> {
        self.items.with(|items| {
            items
                .iter()
                .filter(|r| r.agent_id == self.agent_id && r.conversation_id == conversation_id)
                .cloned()
                .collect()
        })
    }

    fn has_own(&self) -> bool {
        self.items
            .with_untracked(|items| items.iter().any(|r| r.agent_id == self.agent_id))
    }

    fn remove(&self, key: &str) {
        crate::ui::service_worker::post(&serde_json::json!({"type": "reply-sent", "key": key}));
        self.forget(key);
    }

    /// Drops a reply, sent or refused, from this page's queue.
    fn forget(&self, key: &str) {
        if self
            .items
            .with_untracked(|items| items.iter().any(|r| r.key == key))
        {
            self.items.update(|items| items.retain(|r| r.key != key));
            self.persist();
        }
    }

    fn persist(&self) {
        #[cfg(feature = "hydrate")]
        self.items.with_untracked(|items| storage::save(items));
    }

    /// Sends what is queued, in order; stops at the first network failure.
    pub fn flush(self) {
        if self.flushing.get_untracked() || !self.has_own() {
            return;
        }
        self.flushing.set(true);
        leptos::task::spawn_local(async move {
            send_queued(self).await;
            self.flushing.set(false);
        });
    }
}

/// The sending itself. In the main WASM, not a split point of its own: each split point
/// multiplies the chunks the pages load (BENCHMARKS.md, "Phone users").
async fn send_queued(queue: OfflineQueue) {
    use crate::error::AppError;
    loop {
        let next = queue
            .items
            .with_untracked(|items| items.iter().find(|r| r.agent_id == queue.agent_id).cloned());
        let Some(reply) = next else { break };
        let result = super::send_message(
            reply.conversation_id,
            reply.body.clone(),
            reply.private,
            Some(reply.key.clone()),
            reply.mentions.clone(),
            Vec::new(),
            reply.reply_to,
            Some(reply.agent_id),
        )
        .await;
        match result {
            Ok(message) => {
                queue.remove(&reply.key);
                queue.sent.set(Some(message));
            }
            // Still away, or the server is busy or failing for now: try again on the
            // next wake-up (the service worker waits for the same answers).
            Err(
                AppError::Transport(_)
                | AppError::Unavailable
                | AppError::RateLimited { .. }
                | AppError::Internal,
            ) => break,
            // Refused for good (signed out, conversation gone…): the text goes
            // back to that conversation's draft rather than being dropped.
            Err(err) => {
                leptos::logging::warn!("queued reply refused: {err}");
                let draft = super::draft::load(reply.conversation_id)
                    .map(|d| format!("{d}\n{}", reply.body))
                    .unwrap_or(reply.body.clone());
                super::draft::save(reply.conversation_id, &draft);
                queue.remove(&reply.key);
                if matches!(err, AppError::Unauthorized) {
                    break;
                }
            }
        }
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    use crate::conversations::queue::{QueuedReply, STORAGE_KEY};

    fn local() -> Option<leptos::web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn load() -> Vec<QueuedReply> {
        local()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn save(items: &[QueuedReply]) {
        if let Some(storage) = local() {
            let _ = if items.is_empty() {
                storage.remove_item(STORAGE_KEY)
            } else {
                match serde_json::to_string(items) {
                    Ok(json) => storage.set_item(STORAGE_KEY, &json),
                    Err(_) => Ok(()),
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::QueuedReply;

    /// The service worker reads these fields by name (`public/sw.js`, `sendReplies`):
    /// a renamed one would send a reply without its author.
    #[test]
    fn the_worker_reads_a_queued_reply_by_these_names() {
        let reply = QueuedReply {
            key: "k".into(),
            agent_id: 7,
            conversation_id: 3,
            body: "hola".into(),
            private: false,
            mentions: vec![2],
            reply_to: Some(9),
        };
        let json = serde_json::to_value(&reply).unwrap();
        let mut names: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "agent_id",
                "body",
                "conversation_id",
                "key",
                "mentions",
                "private",
                "reply_to"
            ]
        );
        assert_eq!(json["agent_id"], 7);
    }
}
