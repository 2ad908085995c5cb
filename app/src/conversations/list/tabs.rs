//! Above the list: the tabs (Mías / Sin asignar / Todas, each with its live count),
//! the status filter and the triage filter (label, priority). All of them are the
//! address, which the list follows.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::conversations::inbox_state::{list_query, priority_text, status_text};
use crate::conversations::model::{ListFilter, Tab, TabCounts};
use crate::domain::{ConversationStatus, Priority};
use crate::i18n::*;
use crate::labels::LabelCatalog;

fn tab_key(tab: Tab) -> &'static str {
    match tab {
        Tab::Mine => "mine",
        Tab::Unassigned => "unassigned",
        Tab::All => "all",
    }
}

#[component]
pub(super) fn TabBar(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
    counts: RwSignal<TabCounts>,
) -> impl IntoView {
    let i18n = use_i18n();
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
                    let href = format!("/conversations{}", list_query(tab_key(t), status.as_str(), filter));
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
            &format!("/conversations{}", list_query(tab_key(tab), &value, filter)),
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

/// Label and priority: each a select whose first option is "any".
#[component]
pub(super) fn TriageFilter(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = use_context::<LabelCatalog>();
    let navigate = use_navigate();
    let go = move |filter: ListFilter| {
        navigate(
            &format!(
                "/conversations{}",
                list_query(tab_key(tab), status.as_str(), filter)
            ),
            Default::default(),
        )
    };
    let select_label = {
        let go = go.clone();
        move |ev| {
            let label_id = event_target_value(&ev).parse().ok();
            go(ListFilter { label_id, ..filter });
        }
    };
    let select_priority = move |ev| {
        let priority = Priority::parse(&event_target_value(&ev));
        go(ListFilter { priority, ..filter });
    };
    let labels = move || catalog.map(|c| c.0.get()).unwrap_or_default();
    view! {
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
    }
}
