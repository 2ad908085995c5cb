//! One row of the list: contact, last activity, preview, unread badge, and the
//! conversation's number, inbox and assignee.
use leptos::prelude::*;
use leptos_router::components::A;

use super::bulk::Selection;
use crate::conversations::inbox_state::{current_query, priority_text};
use crate::conversations::model::ConversationSummary;
use crate::domain::Priority;
use crate::i18n::*;
use crate::labels::LabelChips;
use crate::ui::avatar::Avatar;
use crate::ui::channel_text;
use crate::ui::icons::{Icon, IconKind};
use crate::ui::time::short;

#[component]
pub(super) fn ConversationRow(
    row: ConversationSummary,
    selected: Signal<bool>,
    items: RwSignal<Vec<ConversationSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let selection = use_context::<Selection>();
    let id = row.id;
    let checked = move || selection.is_some_and(|s| s.has(id));
    let on_check = move |ev: leptos::ev::MouseEvent| {
        if let Some(s) = selection {
            let on = event_target_checked(&ev);
            items.with_untracked(|rows| s.toggle(id, on, ev.shift_key(), rows));
        }
    };
    let check_label = {
        let (number, name) = (row.display_id, row.contact_name.clone());
        move || {
            td_string!(
                i18n.get_locale(),
                select_row,
                number = number,
                name = name.clone()
            )
            .to_string()
        }
    };
    let href = format!("/conversations/{}{}", row.id, current_query());
    let name = if row.contact_name.is_empty() {
        None
    } else {
        Some(row.contact_name.clone())
    };
    let unread = row.unread_count;
    let at = row.last_activity_at;
    let channel = row.channel;
    let avatar_name = row.contact_name.clone();
    let priority = row.priority;
    let label_ids = row.label_ids.clone();
    view! {
        <li class="conversation-row" class:selected=selected class:unread=move || unread != 0 class:checked=checked>
            <input type="checkbox" class="row-check" prop:checked=checked on:click=on_check aria-label=check_label />
            <A href=href>
                <span class="row-avatar">
                    <Avatar name=avatar_name seed=row.contact_id />
                    <span class="channel-mark" role="img" aria-label=move || channel_text(i18n, channel) title=move || channel_text(i18n, channel)>
                        <Icon kind=IconKind::of_channel(channel) />
                    </span>
                </span>
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
                {(priority != Priority::None || !label_ids.is_empty())
                    .then(|| {
                        view! {
                            <span class="row-triage">
                                {(priority != Priority::None)
                                    .then(|| {
                                        view! {
                                            <span class=format!("priority-badge priority-{priority}")>
                                                {move || priority_text(i18n, priority)}
                                            </span>
                                        }
                                    })}
                                <LabelChips ids=Signal::stored(label_ids) />
                            </span>
                        }
                    })}
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
