//! The conversation header's less used actions (behind "Más acciones" on a phone, in
//! the header on a desktop): assignee, team, snooze, priority, labels, macros, mark
//! unread, mute, and the contact panel's button on a phone.
use leptos::prelude::*;

use super::macros::MacroMenu;
use crate::conversations::inbox_state::{current_query, priority_text, MarkedUnread};
use crate::conversations::mark_conversation;
use crate::conversations::model::{ConversationSummary, Teammate};
use crate::conversations::{assign_conversation, set_conversation_muted, set_conversation_team};
use crate::conversations::{
    set_conversation_labels, set_conversation_priority, set_conversation_status,
};
use crate::domain::{ConversationStatus, Priority};
use crate::error::AppError;
use crate::i18n::*;
use crate::labels::{LabelCatalog, LabelChip};
use crate::teams::TeamCatalog;
use crate::ui::time::now;

type Pending =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<ConversationSummary, AppError>>>>;

/// Runs a change of the conversation: its answer becomes the summary, a refusal the
/// header's error.
pub(super) fn runner(
    summary: RwSignal<ConversationSummary>,
    action_error: RwSignal<Option<AppError>>,
) -> impl Fn(Pending) + Copy {
    move |fut: Pending| {
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(updated) => {
                    summary.set(updated);
                    action_error.set(None);
                }
                Err(err) => action_error.set(Some(err)),
            }
        });
    }
}

#[component]
pub(super) fn MoreActions(
    conversation_id: i64,
    summary: RwSignal<ConversationSummary>,
    teammates: StoredValue<Vec<Teammate>>,
    details_open: RwSignal<bool>,
    more_open: RwSignal<bool>,
    action_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let run = runner(summary, action_error);
    let assign_to =
        move |assignee: Option<i64>| run(Box::pin(assign_conversation(conversation_id, assignee)));
    let set_team =
        move |team: Option<i64>| run(Box::pin(set_conversation_team(conversation_id, team)));
    let team_catalog = use_context::<TeamCatalog>();
    let teams = move || team_catalog.map(|c| c.0.get()).unwrap_or_default();
    let set_priority = move |ev| {
        if let Some(priority) = Priority::parse(&event_target_value(&ev)) {
            run(Box::pin(set_conversation_priority(
                conversation_id,
                priority,
            )));
        }
    };
    let toggle_label = move |label_id: i64, on: bool| {
        let mut ids = summary.with_untracked(|s| s.label_ids.clone());
        ids.retain(|id| *id != label_id);
        if on {
            ids.push(label_id);
        }
        run(Box::pin(set_conversation_labels(conversation_id, ids)));
    };
    let catalog = use_context::<LabelCatalog>();
    let all_labels = move || catalog.map(|c| c.0.get()).unwrap_or_default();
    let on_snooze = move |ev| {
        let value = event_target_value(&ev);
        let hour = 3_600_000;
        let until = match value.as_str() {
            "1h" => Some(now() + hour),
            "tomorrow" => Some(now() + 24 * hour),
            "reply" => None,
            _ => return,
        };
        run(Box::pin(set_conversation_status(
            conversation_id,
            ConversationStatus::Snoozed,
            until,
        )));
    };
    let navigate = leptos_router::hooks::use_navigate();
    let marked = use_context::<MarkedUnread>();
    let mark_unread = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match mark_conversation(conversation_id, false).await {
                // Back to the list, where it now shows as unread (as in Chatwoot).
                Ok(()) => {
                    if let Some(MarkedUnread(m)) = marked {
                        m.set(Some(conversation_id));
                    }
                    navigate(
                        &format!("/conversations{}", current_query()),
                        Default::default(),
                    );
                }
                Err(err) => action_error.set(Some(err)),
            }
        });
    };
    let toggle_muted = move |_| {
        let muted = summary.with_untracked(|s| s.muted);
        run(Box::pin(set_conversation_muted(conversation_id, !muted)));
    };
    let labels_opened = RwSignal::new(false);
    view! {
        <label class="assign">
            <span>{t!(i18n, assignee_label)}</span>
            <select on:change=move |ev| assign_to(event_target_value(&ev).parse::<i64>().ok())>
                <option value="" selected=move || summary.with(|s| s.assignee_id.is_none())>
                    {t!(i18n, nobody)}
                </option>
                {teammates
                    .get_value()
                    .into_iter()
                    .map(|t| {
                        let id = t.id;
                        view! {
                            <option value=id.to_string() selected=move || summary.with(|s| s.assignee_id == Some(id))>
                                {t.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        <label class="team">
            <span>{t!(i18n, team_label)}</span>
            <select on:change=move |ev| set_team(event_target_value(&ev).parse::<i64>().ok())>
                <option value="" selected=move || summary.with(|s| s.team_id.is_none())>
                    {t!(i18n, no_team)}
                </option>
                <For each=teams key=|t| (t.id, t.name.clone()) let:team>
                    {
                        let id = team.id;
                        view! {
                            <option value=id.to_string() selected=move || summary.with(|s| s.team_id == Some(id))>
                                {team.name}
                            </option>
                        }
                    }
                </For>
            </select>
        </label>
        <label class="snooze">
            <span>{t!(i18n, snooze)}</span>
            <select on:change=on_snooze>
                <option value="" selected>"—"</option>
                <option value="1h">{t!(i18n, snooze_hour)}</option>
                <option value="tomorrow">{t!(i18n, snooze_tomorrow)}</option>
                <option value="reply">{t!(i18n, snooze_reply)}</option>
            </select>
        </label>
        <label class="priority">
            <span>{t!(i18n, priority_label)}</span>
            <select on:change=set_priority>
                {Priority::ALL
                    .iter()
                    .map(|p| {
                        let p = *p;
                        view! {
                            <option value=p.as_str() selected=move || summary.with(|s| s.priority == p)>
                                {move || priority_text(i18n, p)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        // Its checkboxes are drawn once it is first opened (less to hydrate).
        <details class="label-picker" on:toggle=move |ev: leptos::ev::Event| {
            if event_target::<leptos::web_sys::Element>(&ev).has_attribute("open") {
                labels_opened.set(true);
            }
        }>
            <summary>{t!(i18n, labels_title)}</summary>
            <Show when=move || labels_opened.get()>
            <fieldset>
            <legend class="visually-hidden">{t!(i18n, labels_title)}</legend>
            <For each=all_labels key=|l| (l.id, l.name.clone(), l.color.clone()) let:label>
                {
                    let id = label.id;
                    view! {
                        <label class="label-option">
                            <input type="checkbox"
                                prop:checked=move || summary.with(|s| s.label_ids.contains(&id))
                                on:change=move |ev| toggle_label(id, event_target_checked(&ev)) />
                            <LabelChip label />
                        </label>
                    }
                }
            </For>
            <Show when=move || catalog.is_some_and(|c| c.0.with(Vec::is_empty))>
                <p class="muted">{t!(i18n, no_labels)}</p>
            </Show>
            </fieldset>
            </Show>
        </details>
        <MacroMenu conversation_id summary action_error />
        <button type="button" on:click=mark_unread>{t!(i18n, mark_unread)}</button>
        <button type="button" on:click=toggle_muted>
            {move || if summary.with(|s| s.muted) {
                t_string!(i18n, unmute_conversation)
            } else {
                t_string!(i18n, mute_conversation)
            }}
        </button>
        // The contact panel has no room beside the messages on a phone: it
        // comes over them from here.
        <button type="button" class="phone-only" aria-controls="conversation-details"
            aria-expanded=move || details_open.get().to_string()
            on:click=move |_| {
                more_open.set(false);
                details_open.update(|o| *o = !*o);
            }>
            {t!(i18n, conversation_details)}
        </button>
    }
}
