//! Above the list: the tabs (Mías / Sin asignar / Todas, each with its live count),
//! the status filter, the triage filters and the sort order. All of them are the
//! address, which the list follows.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::dates::DateRanges;
use super::folders::{open_folder, FolderForm, FolderTabs};
use crate::conversations::inbox_state::{filter_from, list_query, priority_text, status_text};
use crate::conversations::model::{ListFilter, ListSort, Tab, TabCounts};
use crate::domain::{ChannelKind, ConversationStatus, Priority};
use crate::i18n::*;
use crate::inboxes::my_inboxes;
use crate::labels::LabelCatalog;
use crate::teams::TeamCatalog;
use crate::ui::channel_text;

#[component]
pub(super) fn TabBar(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
    counts: RwSignal<TabCounts>,
) -> impl IntoView {
    let i18n = use_i18n();
    let folder = open_folder();
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
                    let href = format!("/conversations{}", list_query(t.as_str(), status.as_str(), filter));
                    view! {
                        <A href=href attr:role="tab" attr:aria-selected=move || (t == tab && folder().is_none()).to_string() attr:class="tab">
                            <span class="tab-label">{label}</span>
                            <span class="count" data-testid=format!("count-{}", t.as_str())>
                                {move || counts.get().get(t)}
                            </span>
                        </A>
                    }
                })
                .collect_view()}
            <FolderTabs />
        </div>
    }
}

#[component]
pub(super) fn StatusFilter(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let select_status = move |ev| {
        let value = event_target_value(&ev);
        navigate(
            &format!("/conversations{}", list_query(tab.as_str(), &value, filter)),
            Default::default(),
        );
    };
    view! {
        <label class="status-filter">
            <span>{t!(i18n, status_label)}</span>
            <select on:change=select_status>
                {ConversationStatus::ALL
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! {
                            <option value=s.as_str() selected=s == status>
                                {move || status_text(i18n, s)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Label, priority, inbox, channel, "waiting for a reply" and the sort order: each a
/// control whose first choice is "any", all of them in the address. Behind "Filtros y
/// orden", opened by itself when a filter or a sort other than the default is in
/// force; its controls are drawn (and their choices fetched) only once it is opened, so
/// a page that never opens it neither hydrates nor compiles them.
#[component]
pub(super) fn TriageFilter(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> impl IntoView {
    let i18n = use_i18n();
    let active = filter != ListFilter::default();
    let opened = RwSignal::new(active);
    let on_toggle = move |ev: leptos::ev::Event| {
        if event_target::<leptos::web_sys::Element>(&ev).has_attribute("open") {
            opened.set(true);
        }
    };
    view! {
        <details class="filter-panel" open=active on:toggle=on_toggle>
            <summary>{t!(i18n, filters_title)}</summary>
            <Show when=move || opened.get()>
                <TriageFields tab status filter />
            </Show>
        </details>
    }
}

#[component]
fn TriageFields(tab: Tab, status: ConversationStatus, filter: ListFilter) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = use_context::<LabelCatalog>();
    let navigate = use_navigate();
    let go = move |filter: ListFilter| {
        navigate(
            &format!(
                "/conversations{}",
                list_query(tab.as_str(), status.as_str(), filter)
            ),
            Default::default(),
        )
    };
    // Each change starts from the filter in the address now, not the one this bar was
    // drawn with: two quick changes in a row must both stay.
    let query = use_query_map();
    let current = move || query.with_untracked(filter_from);
    let on = |change: fn(&mut ListFilter, String)| {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let mut next = current();
            change(&mut next, event_target_value(&ev));
            go(next);
        }
    };
    let select_label = on(|f, v| f.label_id = v.parse().ok());
    let select_priority = on(|f, v| f.priority = Priority::parse(&v));
    let select_inbox = on(|f, v| f.inbox_id = v.parse().ok());
    let select_channel = on(|f, v| f.channel = ChannelKind::parse(&v));
    let select_assignee = on(|f, v| f.assignee_id = v.parse().ok());
    let select_team = on(|f, v| f.team_id = v.parse().ok());
    let teams = use_context::<TeamCatalog>();
    let teams = move || teams.map(|c| c.0.get()).unwrap_or_default();
    let select_sort = on(|f, v| f.sort = ListSort::parse(&v).unwrap_or_default());
    let toggle_waiting = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            go(ListFilter {
                waiting: event_target_checked(&ev),
                ..current()
            })
        }
    };
    let toggle_unread = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            go(ListFilter {
                unread: event_target_checked(&ev),
                ..current()
            })
        }
    };
    let labels = move || catalog.map(|c| c.0.get()).unwrap_or_default();
    // The inboxes the agent works, fetched in the browser once the list is up.
    let inboxes = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = my_inboxes().await {
                inboxes.set(list);
            }
        });
    });
    // The account's agents, for the assignee filter.
    let team = crate::agents::fetched_team();
    view! {
        <div class="filter-fields">
        <label class="label-filter">
            <span>{t!(i18n, label_filter)}</span>
            <select on:change=select_label aria-label=move || t_string!(i18n, filter_by_label)>
                <option value="" selected=filter.label_id.is_none()>{t!(i18n, any_label)}</option>
                <For each=labels key=|l| (l.id, l.name.clone()) let:label>
                    <option value=label.id.to_string() selected=filter.label_id == Some(label.id)>{label.name}</option>
                </For>
            </select>
        </label>
        <label class="priority-filter">
            <span>{t!(i18n, priority_label)}</span>
            <select on:change=select_priority aria-label=move || t_string!(i18n, filter_by_priority)>
                <option value="" selected=filter.priority.is_none()>{t!(i18n, any_priority)}</option>
                {Priority::ALL
                    .iter()
                    .map(|p| {
                        let p = *p;
                        view! {
                            <option value=p.as_str() selected=filter.priority == Some(p)>
                                {move || priority_text(i18n, p)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <label class="inbox-filter">
            <span>{t!(i18n, inbox_filter)}</span>
            <select on:change=select_inbox aria-label=move || t_string!(i18n, filter_by_inbox)>
                <option value="" selected=filter.inbox_id.is_none()>{t!(i18n, any_inbox)}</option>
                <For each=move || inboxes.get() key=|i| (i.id, i.name.clone()) let:inbox>
                    <option value=inbox.id.to_string() selected=filter.inbox_id == Some(inbox.id)>{inbox.name}</option>
                </For>
            </select>
        </label>
        <label class="channel-filter">
            <span>{t!(i18n, channel_filter)}</span>
            <select on:change=select_channel aria-label=move || t_string!(i18n, filter_by_channel)>
                <option value="" selected=filter.channel.is_none()>{t!(i18n, any_channel)}</option>
                {ChannelKind::ALL
                    .iter()
                    .map(|c| {
                        let c = *c;
                        view! {
                            <option value=c.as_str() selected=filter.channel == Some(c)>
                                {move || channel_text(i18n, c)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <label class="team-filter">
            <span>{t!(i18n, team_filter)}</span>
            <select on:change=select_team aria-label=move || t_string!(i18n, filter_by_team)>
                <option value="" selected=filter.team_id.is_none()>{t!(i18n, any_team)}</option>
                <For each=teams key=|t| (t.id, t.name.clone()) let:team>
                    <option value=team.id.to_string() selected=filter.team_id == Some(team.id)>{team.name}</option>
                </For>
            </select>
        </label>
        <label class="assignee-filter">
            <span>{t!(i18n, assignee_filter)}</span>
            <select on:change=select_assignee aria-label=move || t_string!(i18n, filter_by_assignee)>
                <option value="" selected=filter.assignee_id.is_none()>{t!(i18n, any_assignee)}</option>
                <For each=move || team.get() key=|a| (a.id, a.name.clone()) let:agent>
                    <option value=agent.id.to_string() selected=filter.assignee_id == Some(agent.id)>{agent.name}</option>
                </For>
            </select>
        </label>
        <label class="waiting-filter">
            <input type="checkbox" checked=filter.waiting on:change=toggle_waiting />
            <span>{t!(i18n, waiting_filter)}</span>
        </label>
        <label class="unread-filter">
            <input type="checkbox" checked=filter.unread on:change=toggle_unread />
            <span>{t!(i18n, unread_filter)}</span>
        </label>
        <DateRanges filter go=Callback::new(go.clone()) />
        <label class="sort-select">
            <span>{t!(i18n, sort_label)}</span>
            <select on:change=select_sort>
                {ListSort::ALL
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! {
                            <option value=s.as_str() selected=filter.sort == s>
                                {move || sort_text(i18n, s)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        </div>
        <div class="folder-fields">
            <FolderForm tab status filter />
        </div>
    }
}

fn sort_text(i18n: leptos_i18n::I18nContext<Locale>, sort: ListSort) -> &'static str {
    match sort {
        ListSort::LastActivity => t_string!(i18n, sort_last_activity),
        ListSort::CreatedNewest => t_string!(i18n, sort_created_newest),
        ListSort::CreatedOldest => t_string!(i18n, sort_created_oldest),
        ListSort::Waiting => t_string!(i18n, sort_waiting),
        ListSort::Priority => t_string!(i18n, sort_priority),
    }
}
