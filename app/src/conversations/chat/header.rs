//! The open conversation's header: who it is with, its number, inbox and status, and
//! the actions on it: assign to me and resolve or reopen here, the rest in
//! `more_actions`.
use leptos::prelude::*;
use leptos_router::components::A;

use super::more_actions::{runner, MoreActions};
use crate::agents::AgentProfile;
use crate::conversations::inbox_state::{priority_text, status_text};
use crate::conversations::model::{ConversationSummary, Teammate};
use crate::conversations::{assign_conversation, set_conversation_status};
use crate::domain::{ConversationStatus, Priority};
use crate::i18n::*;
use crate::labels::LabelChips;
use crate::ui::avatar::Avatar;
use crate::ui::error_text;
use crate::ui::icons::{Icon, IconKind};

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
    let run = runner(summary, action_error);
    let teammates = StoredValue::new(teammates);
    let assign_to =
        move |assignee: Option<i64>| run(Box::pin(assign_conversation(conversation_id, assignee)));
    let set_status = move |status: ConversationStatus, until: Option<i64>| {
        run(Box::pin(set_conversation_status(
            conversation_id,
            status,
            until,
        )))
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
                    <MoreActions conversation_id summary teammates details_open more_open action_error />
                </div>
            </div>
            {move || action_error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </header>
    }
}
