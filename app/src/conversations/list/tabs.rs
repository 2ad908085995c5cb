//! Above the list: the tabs (Mías / Sin asignar / Todas, each with its live count)
//! and the status filter. Both are links into the address, which the list follows.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::conversations::inbox_state::status_text;
use crate::conversations::model::{Tab, TabCounts};
use crate::domain::ConversationStatus;
use crate::i18n::*;

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
    }
}

#[component]
pub(super) fn StatusFilter(tab: Tab, status: ConversationStatus) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let select_status = move |ev| {
        let value = event_target_value(&ev);
        navigate(
            &format!("/conversations?tab={}&status={value}", tab_key(tab)),
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
