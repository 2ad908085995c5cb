//! The open conversation's header: who it is with, its number, inbox and status, and
//! the actions on it (assign, resolve or reopen, snooze, mark unread).
use leptos::prelude::*;
use leptos_router::components::A;

use super::macros::MacroMenu;
use crate::agents::AgentProfile;
use crate::conversations::inbox_state::{current_query, priority_text, status_text, MarkedUnread};
use crate::conversations::mark_conversation;
use crate::conversations::model::{ConversationSummary, Teammate};
use crate::conversations::{assign_conversation, set_conversation_muted, set_conversation_team};
use crate::conversations::{
    set_conversation_labels, set_conversation_priority, set_conversation_status,
};
use crate::domain::{ConversationStatus, Priority};
use crate::i18n::*;
use crate::labels::{LabelCatalog, LabelChip, LabelChips};
use crate::teams::TeamCatalog;
use crate::ui::avatar::Avatar;
use crate::ui::error_text;
use crate::ui::icons::{Icon, IconKind};
use crate::ui::time::now;

/// The contact's name, or the word for a visitor who gave none.
pub(super) fn contact_name(
    i18n: leptos_i18n::I18nContext<Locale>,
    summary: RwSignal<ConversationSummary>,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || {
        let name = summary.with(|s| s.contact_name.clone());
        if name.is_empty() {
            t_string!(i18n, visitor).to_owned()
        } else {
            name
        }
    }
}

#[component]
pub(super) fn ChatHeader(
    conversation_id: i64,
    summary: RwSignal<ConversationSummary>,
    teammates: Vec<Teammate>,
    /// Whether the contact panel is over the messages (phones).
    details_open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let my_id = use_context::<AgentProfile>()
        .map(|a| a.id)
        .unwrap_or_default();
    let action_error = RwSignal::new(None);
    let run = move |fut: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<ConversationSummary, crate::error::AppError>>>,
    >| {
        leptos::task::spawn_local(async move {
            match fut.await {
                Ok(updated) => {
                    summary.set(updated);
                    action_error.set(None);
                }
                Err(err) => action_error.set(Some(err)),
            }
        });
    };
    let assign_to =
        move |assignee: Option<i64>| run(Box::pin(assign_conversation(conversation_id, assignee)));
    let set_team =
        move |team: Option<i64>| run(Box::pin(set_conversation_team(conversation_id, team)));
    let team_catalog = use_context::<TeamCatalog>();
    let teams = move || team_catalog.map(|c| c.0.get()).unwrap_or_default();
    let set_status = move |status: ConversationStatus, until: Option<i64>| {
        run(Box::pin(set_conversation_status(
            conversation_id,
            status,
            until,
        )))
    };
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
        set_status(ConversationStatus::Snoozed, until);
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
    let contact_name = contact_name(i18n, summary);
    // On a phone the less used actions wait behind "Más acciones"; a desktop shows them all.
    let more_open = RwSignal::new(false);
    view! {
        <header class="chat-header">
            <A href="/conversations" attr:class="back">
                <Icon kind=IconKind::Back />
                <span class="back-label">{t!(i18n, back_to_list)}</span>
            </A>
            {move || summary.with(|s| view! { <Avatar name=s.contact_name.clone() seed=s.contact_id /> })}
            <div class="chat-title">
                <h2 id="chat-title">{contact_name}</h2>
                <p class="muted chat-meta">
                    <span>{move || summary.with(|s| format!("#{} · {} · ", s.display_id, s.inbox_name))}</span>
                    <span class="status-badge">{move || status_text(i18n, summary.with(|s| s.status))}</span>
                    <Show when=move || summary.with(|s| s.muted)>
                        <span class="muted-badge">{t!(i18n, muted_badge)}</span>
                    </Show>
                    {move || {
                        let priority = summary.with(|s| s.priority);
                        (priority != Priority::None)
                            .then(|| view! {
                                <span class=format!("priority-badge priority-{priority}")>{priority_text(i18n, priority)}</span>
                            })
                    }}
                    <LabelChips ids=Signal::derive(move || summary.with(|s| s.label_ids.clone())) />
                    // The contact panel has no room on a phone: its link comes up here.
                    <A href=move || format!("/contacts/{}", summary.with(|s| s.contact_id)) attr:class="phone-only chat-contact-link">{t!(i18n, view_contact)}</A>
                </p>
            </div>
            <div class="chat-actions">
                <Show when=move || summary.with(|s| s.assignee_id != Some(my_id))>
                    <button type="button" data-shortcut="assign-me" on:click=move |_| assign_to(Some(my_id))>{t!(i18n, assign_to_me)}</button>
                </Show>
                <Show
                    when=move || summary.with(|s| s.status == ConversationStatus::Resolved)
                    fallback=move || view! {
                        <button type="button" class="primary" data-shortcut="resolve" on:click=move |_| set_status(ConversationStatus::Resolved, None)>
                            {t!(i18n, resolve)}
                        </button>
                    }
                >
                    <button type="button" on:click=move |_| set_status(ConversationStatus::Open, None)>{t!(i18n, reopen)}</button>
                </Show>
                <button type="button" class="icon-button chat-more-toggle" aria-controls="chat-more"
                    aria-expanded=move || more_open.get().to_string()
                    aria-label=move || t_string!(i18n, more_actions) data-tip=move || t_string!(i18n, more_actions)
                    on:click=move |_| more_open.update(|o| *o = !*o)>
                    <Icon kind=IconKind::More />
                </button>
                <div id="chat-more" class="chat-more" class:open=move || more_open.get()>
                    <label class="assign">
                        <span>{t!(i18n, assignee_label)}</span>
                        <select on:change=move |ev| assign_to(event_target_value(&ev).parse::<i64>().ok())>
                            <option value="" selected=move || summary.with(|s| s.assignee_id.is_none())>
                                {t!(i18n, nobody)}
                            </option>
                            {teammates
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
                    <details class="label-picker">
                        <summary>{t!(i18n, labels_title)}</summary>
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
                </div>
            </div>
            {move || action_error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </header>
    }
}
