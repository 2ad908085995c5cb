//! The inbox page: the list beside (desktop) or instead of (phone) the open
//! conversation, loaded for the tab and status in the address.
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::items::ConversationList;
use crate::conversations::conversation_counts;
use crate::conversations::inbox_state::{filter_from, MarkedUnread};
use crate::conversations::list_conversations;
use crate::conversations::model::Tab;
use crate::domain::ConversationStatus;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::labels::list_labels;
use crate::labels::LabelCatalog;
use crate::live::{on_event, Live};
use crate::teams::{list_teams, TeamCatalog};
use crate::ui::error_text;

/// The list beside (desktop) or instead of (phone) the open conversation.
#[component]
pub fn ConversationsLayout() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = use_params_map();
    let tab = Memo::new(move |_| Tab::parse_or_mine(&query.read().get("tab").unwrap_or_default()));
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| ConversationStatus::parse(&s))
            .unwrap_or(ConversationStatus::Open)
    });
    let filter = Memo::new(move |_| filter_from(&query.read()));
    let resync = use_context::<Live>().map(|l| l.resync);
    let data = Resource::new(
        move || {
            (
                tab.get(),
                status.get(),
                filter.get(),
                resync.map(|r| r.get()),
            )
        },
        |(tab, status, filter, _)| async move {
            let page = list_conversations(tab, status, None, filter).await?;
            let counts = conversation_counts(status).await?;
            Ok::<_, crate::error::AppError>((page, counts))
        },
    );
    // The account's labels, for the chips, the filter and the chat's label menu.
    let catalog = LabelCatalog(RwSignal::new(Vec::new()));
    provide_context(catalog);
    let labels_changed = RwSignal::new(0_u32);
    on_event(move |envelope| {
        if matches!(envelope.event, LiveEvent::LabelsChanged {}) {
            labels_changed.update(|n| *n += 1);
        }
    });
    let labels = Resource::new(move || labels_changed.get(), |_| list_labels());
    Effect::new(move |_| {
        if let Some(Ok(list)) = labels.get() {
            catalog.0.set(list);
        }
    });
    // The account's teams, for the filter, the bulk bar and the chat's team menu:
    // fetched in the browser, again when an administrator changes them.
    let teams = TeamCatalog(RwSignal::new(Vec::new()));
    provide_context(teams);
    let teams_changed = RwSignal::new(0_u32);
    on_event(move |envelope| {
        if matches!(envelope.event, LiveEvent::TeamsChanged {}) {
            teams_changed.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        teams_changed.track();
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_teams().await {
                teams.0.set(list);
            }
        });
    });
    // Saved folders outlive each list load (their counts follow live events).
    super::folders::provide_folders();
    let chat_open = move || params.read().get("id").is_some();
    // "Mark as unread" in the chat shows in the list at once.
    let marked_unread = RwSignal::new(None::<i64>);
    provide_context(MarkedUnread(marked_unread));
    view! {
        <div class="inbox" class:chat-open=chat_open>
            <section class="inbox-list" aria-labelledby="conversations-title">
                <h1 id="conversations-title">{t!(i18n, conversations_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok((page, counts)) => {
                                view! { <ConversationList tab=tab.get_untracked() status=status.get_untracked() filter=filter.get_untracked() page counts /> }
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

#[component]
pub fn NoConversationSelected() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="empty-chat muted">{t!(i18n, select_conversation)}</p> }
}
