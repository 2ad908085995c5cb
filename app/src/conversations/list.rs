//! Conversaciones: tabs Mías / Sin asignar / Todas with live counts, a status filter and
//! the list (newest activity first, more on scroll). Live events are applied as deltas;
//! nothing is refetched unless the socket asks for a resync.
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::model::{ConversationPage, ConversationSummary, Tab, TabCounts};
use super::{conversation_counts, list_conversations};
use crate::agents::AgentProfile;
use crate::domain::ConversationStatus;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::{on_event, Live};
use crate::ui::error_text;
use crate::ui::time::short;

fn tab_from(text: Option<String>) -> Tab {
    match text.as_deref() {
        Some("unassigned") => Tab::Unassigned,
        Some("all") => Tab::All,
        _ => Tab::Mine,
    }
}

fn tab_key(tab: Tab) -> &'static str {
    match tab {
        Tab::Mine => "mine",
        Tab::Unassigned => "unassigned",
        Tab::All => "all",
    }
}

pub fn status_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: ConversationStatus,
) -> &'static str {
    match status {
        ConversationStatus::Open => t_string!(i18n, status_open),
        ConversationStatus::Pending => t_string!(i18n, status_pending),
        ConversationStatus::Snoozed => t_string!(i18n, status_snoozed),
        ConversationStatus::Resolved => t_string!(i18n, status_resolved),
    }
}

/// The list beside (desktop) or instead of (phone) the open conversation.
#[component]
pub fn ConversationsLayout() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = use_params_map();
    let tab = Memo::new(move |_| tab_from(query.read().get("tab")));
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| ConversationStatus::parse(&s))
            .unwrap_or(ConversationStatus::Open)
    });
    let resync = use_context::<Live>().map(|l| l.resync);
    let data = Resource::new(
        move || (tab.get(), status.get(), resync.map(|r| r.get())),
        |(tab, status, _)| async move {
            let page = list_conversations(tab, status, None).await?;
            let counts = conversation_counts(status).await?;
            Ok::<_, crate::error::AppError>((page, counts))
        },
    );
    let chat_open = move || params.read().get("id").is_some();
    // "Mark as unread" in the chat shows in the list at once.
    let marked_unread = RwSignal::new(None::<i64>);
    provide_context(MarkedUnread(marked_unread));
    // Effects run only in the browser, once the list has hydrated.
    Effect::new(|_| leptos::task::spawn_local(crate::root::preload_chat()));
    view! {
        <div class="inbox" class:chat-open=chat_open>
            <section class="inbox-list" aria-labelledby="conversations-title">
                <h1 id="conversations-title">{t!(i18n, conversations_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok((page, counts)) => {
                                view! { <ConversationList tab=tab.get_untracked() status=status.get_untracked() page counts /> }
                                    .into_any()
                            }
                            Err(err) => {
                                view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any()
                            }
                        }
                    })}
                </Transition>
            </section>
            <section class="inbox-chat">
                <Outlet />
            </section>
        </div>
    }
}

/// The conversation the agent just marked as unread (set by the chat view).
#[derive(Clone, Copy)]
pub struct MarkedUnread(pub RwSignal<Option<i64>>);

#[component]
pub fn NoConversationSelected() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="empty-chat muted">{t!(i18n, select_conversation)}</p> }
}

#[component]
fn ConversationList(
    tab: Tab,
    status: ConversationStatus,
    page: ConversationPage,
    counts: TabCounts,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<AgentProfile>()
        .map(|a| a.id)
        .unwrap_or_default();
    let params = use_params_map();
    let open_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let items = RwSignal::new(page.items);
    let next = RwSignal::new(page.next);
    let counts = RwSignal::new(counts);
    let loading_more = RwSignal::new(false);
    let load_error = RwSignal::new(None);
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
                    previous.map(|p| (p.assignee_id, p.status)),
                    (conversation.assignee_id, conversation.status),
                )
            });
            let belongs =
                conversation.status == status && tab.includes(conversation.assignee_id, me);
            items
                .update(|list| upsert(list, conversation, belongs, next.get_untracked().is_some()));
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

    let load_more = move || {
        let Some(after) = next.get_untracked() else {
            return;
        };
        if loading_more.get_untracked() {
            return;
        }
        loading_more.set(true);
        leptos::task::spawn_local(async move {
            match list_conversations(tab, status, Some(after)).await {
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
    let navigate = use_navigate();
    let select_status = move |ev| {
        let value = event_target_value(&ev);
        navigate(
            &format!("/conversations?tab={}&status={value}", tab_key(tab)),
            Default::default(),
        );
    };

    view! {
        <div class="tabs" role="tablist" aria-label=move || t_string!(i18n, tabs_label)>
            {Tab::ALL
                .into_iter()
                .map(|t| {
                    let label = move || match t {
                        Tab::Mine => t_string!(i18n, tab_mine),
                        Tab::Unassigned => t_string!(i18n, tab_unassigned),
                        Tab::All => t_string!(i18n, tab_all),
                    };
                    let href = format!("/conversations?tab={}&status={}", tab_key(t), status.as_str());
                    view! {
                        <A href=href attr:role="tab" attr:aria-selected=(t == tab).to_string() attr:class="tab">
                            <span class="tab-label">{label}</span>
                            <span class="count" data-testid=format!("count-{}", tab_key(t))>
                                {move || counts.get().get(t)}
                            </span>
                        </A>
                    }
                })
                .collect_view()}
        </div>
        <label class="status-filter">
            <span>{t!(i18n, status_label)}</span>
            <select on:change=select_status>
                {ConversationStatus::ALL
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! {
                            <option value=s.as_str() selected=s == status>
                                {move || super::list::status_text(i18n, s)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <ul class="conversation-list" aria-label=move || t_string!(i18n, conversation_list) on:scroll=on_scroll>
            <For each=move || items.get() key=|c| (c.id, c.last_activity_at, c.unread_count, c.assignee_id, c.status) let:row>
                <ConversationRow selected=Signal::derive({
                    let id = row.id;
                    move || open_id() == Some(id)
                }) row />
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

/// Places a changed conversation where it now belongs (or removes it), keeping the
/// list order; rows older than the loaded window wait for scrolling.
fn upsert(
    list: &mut Vec<ConversationSummary>,
    changed: &ConversationSummary,
    belongs: bool,
    more_below: bool,
) {
    let unread = list
        .iter()
        .find(|c| c.id == changed.id)
        .map(|c| c.unread_count);
    list.retain(|c| c.id != changed.id);
    if !belongs {
        return;
    }
    let cursor = changed.cursor();
    let position = list.iter().position(|c| cursor.comes_before(&c.cursor()));
    let mut row = changed.clone();
    row.unread_count = unread.unwrap_or(0);
    match position {
        Some(index) => list.insert(index, row),
        None if !more_below => list.push(row),
        None => {}
    }
}

#[component]
fn ConversationRow(row: ConversationSummary, selected: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/conversations/{}{}", row.id, current_query());
    let name = if row.contact_name.is_empty() {
        None
    } else {
        Some(row.contact_name.clone())
    };
    let unread = row.unread_count;
    let at = row.last_activity_at;
    view! {
        <li class="conversation-row" class:selected=selected class:unread=move || unread != 0>
            <A href=href>
                <span class="row-top">
                    <span class="contact-name">
                        {move || name.clone().unwrap_or_else(|| t_string!(i18n, visitor).to_owned())}
                    </span>
                    <time class="muted">{move || short(at)}</time>
                </span>
                <span class="row-bottom">
                    // Empty text nodes do not survive the HTML round trip: render none at all.
                    {row
                        .last_message_preview
                        .clone()
                        .filter(|p| !p.is_empty())
                        .map(|p| view! { <span class="preview muted">{p}</span> })}
                    {(unread > 0)
                        .then(|| {
                            view! {
                                <span class="badge" aria-label=move || td_string!(i18n.get_locale(), unread_badge, count = unread).to_string()>
                                    {unread}
                                </span>
                            }
                        })}
                </span>
                <span class="row-meta muted">
                    // One text node: adjacent text would merge in the HTML and break hydration.
                    {format!(
                        "#{} · {}{}",
                        row.display_id,
                        row.inbox_name,
                        row.assignee_name.as_deref().map(|n| format!(" · {n}")).unwrap_or_default(),
                    )}
                </span>
            </A>
        </li>
    }
}

pub(super) fn current_query() -> String {
    let query = use_query_map().get_untracked();
    let tab = query.get("tab").unwrap_or_else(|| "mine".into());
    let status = query.get("status").unwrap_or_else(|| "open".into());
    format!("?tab={tab}&status={status}")
}
