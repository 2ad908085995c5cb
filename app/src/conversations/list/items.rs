//! The list itself: the loaded conversations under the tabs and the status filter,
//! kept current by live deltas, with more loaded on scroll.
use leptos::prelude::*;

use super::bulk::{BulkBar, Selection};
use super::deltas::{follow_badges, follow_live, open_id};
use super::row::ConversationRow;
use super::tabs::{StatusFilter, TabBar, TriageFilter};
use crate::agents::AgentProfile;
use crate::conversations::list_conversations;
use crate::conversations::model::{ConversationPage, ListFilter, Tab, TabCounts};
use crate::domain::ConversationStatus;
use crate::i18n::*;
use crate::ui::error_text;

#[component]
pub(super) fn ConversationList(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
    page: ConversationPage,
    counts: TabCounts,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<AgentProfile>()
        .map(|a| a.id)
        .unwrap_or_default();
    let open_id = open_id();
    let items = RwSignal::new(page.items);
    let next = RwSignal::new(page.next);
    let counts = RwSignal::new(counts);
    let loading_more = RwSignal::new(false);
    let load_error = RwSignal::new(None);
    follow_live(me, (tab, status, filter), items, next, counts, open_id);
    follow_badges(items, open_id);
    let selection = Selection::new();
    provide_context(selection);
    // A row that leaves the list leaves the selection.
    Effect::new(move |_| {
        let present: Vec<i64> = items.with(|l| l.iter().map(|c| c.id).collect());
        if selection
            .ids
            .with_untracked(|ids| ids.iter().any(|id| !present.contains(id)))
        {
            selection
                .ids
                .update(|ids| ids.retain(|id| present.contains(id)));
        }
    });

    let load_more = move || {
        let Some(after) = next.get_untracked() else {
            return;
        };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            match list_conversations(tab, status, Some(after), filter).await {
                Ok(page) => {
                    items.update(|list| {
                        for row in page.items {
                            if !list.iter().any(|c| c.id == row.id) {
                                list.push(row);
                            }
                        }
                    });
                    next.set(page.next);
                    load_error.set(None);
                }
                Err(err) => load_error.set(Some(err)),
            }
            loading_more.set(false);
        });
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let target = event_target::<leptos::web_sys::Element>(&ev);
        if target.scroll_top() + target.client_height() + 200 >= target.scroll_height() {
            load_more();
        }
    };

    view! {
        <TabBar tab status filter counts />
        <div class="list-filters">
            <StatusFilter tab status filter />
            <TriageFilter tab status filter />
        </div>
        <Show when=move || items.with(|l| !l.is_empty())>
            <BulkBar selection items />
        </Show>
        <ul class="conversation-list" aria-label=move || t_string!(i18n, conversation_list) on:scroll=on_scroll>
            <For each=move || items.get() key=|c| (c.id, c.last_activity_at, c.unread_count, c.assignee_id, c.status, c.priority, c.label_ids.clone()) let:row>
                <ConversationRow selected=Signal::derive({
                    let id = row.id;
                    move || open_id() == Some(id)
                }) row items />
            </For>
        </ul>
        <Show when=move || items.with(Vec::is_empty)>
            <p class="muted">{t!(i18n, no_conversations)}</p>
        </Show>
        <Show when=move || next.get().is_some()>
            <button type="button" class="secondary" on:click=move |_| load_more() disabled=loading_more>
                {t!(i18n, load_more)}
            </button>
        </Show>
        {move || load_error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
    }
}
