//! Keeping the open conversation current: messages and delivery states from the live
//! socket, replies the offline queue got through, and the conversation's own changes
//! (status, assignee, the customer's last message).
use leptos::prelude::*;

use super::messages::{near_bottom, scroll_to_bottom};
use crate::conversations::model::{ConversationSummary, MessageView};
use crate::conversations::queue::OfflineQueue;
use crate::conversations::thread::{add_if_missing, upsert_message};
use crate::domain::MessageDirection;
use crate::events::LiveEvent;
use crate::live::on_event;

pub(super) fn follow_queue(
    queue: Option<OfflineQueue>,
    conversation_id: i64,
    messages: RwSignal<Vec<MessageView>>,
) {
    if let Some(queue) = queue {
        Effect::new(move |_| {
            if let Some(message) = queue.sent.get() {
                if message.conversation_id == conversation_id {
                    messages.update(|list| add_if_missing(list, message));
                }
            }
        });
    }
}

pub(super) fn follow_conversation(
    loaded: &ConversationSummary,
    messages: RwSignal<Vec<MessageView>>,
    summary: RwSignal<ConversationSummary>,
    last_inbound: RwSignal<Option<i64>>,
    scroller: NodeRef<leptos::html::Div>,
    mark_read: impl Fn() + Send + Sync + 'static,
) {
    let (conversation_id, contact_id, inbox_id) = (loaded.id, loaded.contact_id, loaded.inbox_id);
    on_event(move |envelope| match &envelope.event {
        LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message }
            if message.conversation_id == conversation_id =>
        {
            let stick = near_bottom(scroller);
            messages.update(|list| upsert_message(list, message.clone()));
            if message.direction == MessageDirection::Incoming {
                mark_read();
            }
            if stick {
                scroll_to_bottom(scroller);
            }
        }
        LiveEvent::ConversationChanged { conversation, .. }
            if conversation.id == conversation_id =>
        {
            summary.set(conversation.clone());
            last_inbound.update(|l| *l = (*l).max(conversation.last_customer_message_at));
        }
        // The customer wrote in another conversation on the same number: the window
        // is per number, not per conversation.
        LiveEvent::ConversationChanged { conversation, .. }
            if conversation.contact_id == contact_id && conversation.inbox_id == inbox_id =>
        {
            last_inbound.update(|l| *l = (*l).max(conversation.last_customer_message_at));
        }
        _ => {}
    });
}
