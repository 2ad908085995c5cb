//! The conversation's messages: grouped by day, older history loaded on scroll
//! (keeping the reader's place), replies still waiting in the offline queue at the
//! end, and the scrolling that follows new messages.
use leptos::prelude::*;

use super::message::MessageItem;
use crate::conversations::conversation_messages;
use crate::conversations::model::MessageView;
use crate::conversations::queue::OfflineQueue;
use crate::i18n::*;
use crate::ui::time::day;

#[component]
pub(super) fn MessageList(
    conversation_id: i64,
    messages: RwSignal<Vec<MessageView>>,
    has_older: bool,
    scroller: NodeRef<leptos::html::Div>,
    queue: Option<OfflineQueue>,
) -> impl IntoView {
    let i18n = use_i18n();
    let has_older = RwSignal::new(has_older);
    let load_older = move || {
        let Some(oldest) = messages.with_untracked(|m| m.iter().find(|m| m.id > 0).map(|m| m.id))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(page) = conversation_messages(conversation_id, Some(oldest)).await {
                // Keep the reader where they were while history grows above them.
                let before = scroller
                    .get_untracked()
                    .map(|el| el.scroll_height() - el.scroll_top());
                messages.update(|list| {
                    let mut older = page.items;
                    older.retain(|m| !list.iter().any(|x| x.id == m.id));
                    older.append(list);
                    *list = older;
                });
                has_older.set(page.has_older);
                if let (Some(el), Some(offset)) = (scroller.get_untracked(), before) {
                    request_animation_frame(move || el.set_scroll_top(el.scroll_height() - offset));
                }
            }
        });
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            if el.scroll_top() < 80 && has_older.get_untracked() {
                load_older();
            }
        }
    };
    view! {
        <div class="messages" node_ref=scroller on:scroll=on_scroll>
            <Show when=move || has_older.get()>
                <button type="button" class="link" on:click=move |_| load_older()>{t!(i18n, load_older)}</button>
            </Show>
            // Keyed: a new message or an update (delivery, reaction, a file that came,
            // a survey answered) touches one row, not the history.
            <ol class="message-list" aria-label=move || t_string!(i18n, messages_label)>
                <For
                    each=move || with_day_labels(&messages.get())
                    key=|(label, m)| (
                        (m.id, m.delivery_status, m.delivery_error.clone(), m.reaction.clone(), label.is_some()),
                        (m.attachments.len(), m.extra.as_ref().map(|e| serde_json::to_string(e).unwrap_or_default())),
                    )
                    let:item
                >
                    {item.0.map(|label| view! { <li class="day-label">{label}</li> })}
                    <MessageItem message=item.1 conversation_id />
                </For>
                <For
                    each=move || queue.map(|q| q.in_conversation(conversation_id)).unwrap_or_default()
                    key=|reply| reply.key.clone()
                    let:reply
                >
                    <li class=if reply.private { "message note queued" } else { "message outgoing queued" }>
                        {reply.private.then(|| view! { <p class="meta"><span class="note-tag">{t!(i18n, private_note)}</span></p> })}
                        <p class="body">{reply.body}</p>
                        <p class="delivery delivery-queued">{t!(i18n, delivery_queued)}</p>
                    </li>
                </For>
            </ol>
        </div>
    }
}

/// Each message with the day label to show above it (on the first of each day).
fn with_day_labels(messages: &[MessageView]) -> Vec<(Option<String>, MessageView)> {
    let mut previous = None;
    messages
        .iter()
        .map(|message| {
            let (key, label) = day(message.created_at);
            let first_of_day = previous != Some(key);
            previous = Some(key);
            (first_of_day.then_some(label), message.clone())
        })
        .collect()
}

pub(super) fn near_bottom(scroller: NodeRef<leptos::html::Div>) -> bool {
    scroller
        .get_untracked()
        .map(|el| el.scroll_height() - el.scroll_top() - el.client_height() < 120)
        .unwrap_or(true)
}

pub(super) fn scroll_to_bottom(scroller: NodeRef<leptos::html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}
