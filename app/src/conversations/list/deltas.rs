//! Live events applied to the loaded list as deltas: a conversation moves, leaves or
//! comes in, the tab counts follow, and unread badges grow, clear when it is opened,
//! and come back when the chat marks it unread.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::conversations::inbox_state::MarkedUnread;
use crate::conversations::model::{
    ConversationSummary, Cursor, ListFilter, ListSort, Tab, TabCounts,
};
use crate::domain::ConversationStatus;
use crate::events::LiveEvent;
use crate::live::on_event;

/// The open conversation's id, from the address.
pub(super) fn open_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    }
}

pub(super) fn follow_live(
    me: i64,
    (tab, status, filter): (Tab, ConversationStatus, ListFilter),
    items: RwSignal<Vec<ConversationSummary>>,
    next: RwSignal<Option<Cursor>>,
    counts: RwSignal<TabCounts>,
    open_id: impl Fn() -> Option<i64> + Copy + Send + Sync + 'static,
) {
    // A conversation erased with its contact: leave it if it is the open one.
    let removed = RwSignal::new(None::<i64>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(id) = removed.get() {
            if open_id() == Some(id) {
                navigate("/conversations", Default::default());
            }
        }
    });

    on_event(move |envelope| match &envelope.event {
        LiveEvent::ConversationChanged {
            conversation,
            previous,
        } => {
            counts.update(|c| {
                c.apply(
                    me,
                    status,
                    previous.as_ref().map(|p| (p.assignee_id, p.status)),
                    (conversation.assignee_id, conversation.status),
                )
            });
            let belongs = conversation.status == status
                && tab.includes(conversation.assignee_id, me)
                && filter.matches(conversation);
            let more_below = next.get_untracked().is_some();
            items.update(|list| upsert(list, conversation, belongs, more_below, filter.sort));
        }
        LiveEvent::ConversationDeleted {
            conversation_id,
            previous,
            ..
        } => {
            counts.update(|c| c.remove(me, status, (previous.assignee_id, previous.status)));
            items.update(|list| list.retain(|c| c.id != *conversation_id));
            removed.set(Some(*conversation_id));
        }
        LiveEvent::MessageCreated { message } => {
            let incoming = message.direction == crate::domain::MessageDirection::Incoming;
            if incoming && open_id() != Some(message.conversation_id) {
                items.update(|list| {
                    if let Some(row) = list.iter_mut().find(|c| c.id == message.conversation_id) {
                        row.unread_count += 1;
                    }
                });
            }
        }
        _ => {}
    });
}

pub(super) fn follow_badges(
    items: RwSignal<Vec<ConversationSummary>>,
    open_id: impl Fn() -> Option<i64> + Send + Sync + 'static,
) {
    if let Some(MarkedUnread(marked)) = use_context::<MarkedUnread>() {
        Effect::new(move |_| {
            if let Some(id) = marked.get() {
                items.update(|list| {
                    if let Some(row) = list.iter_mut().find(|c| c.id == id) {
                        row.unread_count = row.unread_count.max(1);
                    }
                });
            }
        });
    }
    // Opening a conversation clears its badge here; the chat view tells the server.
    let marked = use_context::<MarkedUnread>();
    Effect::new(move |_| {
        if let Some(id) = open_id() {
            if let Some(MarkedUnread(m)) = marked {
                if m.get_untracked() == Some(id) {
                    m.set(None);
                }
            }
            items.update(|list| {
                if let Some(row) = list.iter_mut().find(|c| c.id == id) {
                    row.unread_count = 0;
                }
            });
        }
    });
}

/// Places a changed conversation where it now belongs (or removes it), keeping the
/// list order; rows older than the loaded window wait for scrolling.
fn upsert(
    list: &mut Vec<ConversationSummary>,
    changed: &ConversationSummary,
    belongs: bool,
    more_below: bool,
    sort: ListSort,
) {
    let unread = list
        .iter()
        .find(|c| c.id == changed.id)
        .map(|c| c.unread_count);
    list.retain(|c| c.id != changed.id);
    if !belongs {
        return;
    }
    let cursor = changed.cursor(sort);
    let position = list
        .iter()
        .position(|c| cursor.comes_before(&c.cursor(sort), sort));
    let mut row = changed.clone();
    row.unread_count = unread.unwrap_or(0);
    match position {
        Some(index) => list.insert(index, row),
        None if !more_below => list.push(row),
        None => {}
    }
}
