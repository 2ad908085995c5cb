//! The bell: unread count (updated live), a list, mark read.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::model::NotificationKind;
use super::{list_notifications, mark_notifications_read, NotificationView};
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::on_event;
use crate::ui::time::short;

/// The signed-in agent's notifications, loaded once per page and kept current by live
/// events. The layout shows a bell in two places (top bar on a phone, account panel on
/// a desktop); both show this one list, so a page load fetches it once.
#[derive(Clone, Copy)]
pub struct Notifications(RwSignal<Vec<NotificationView>>);

impl Notifications {
    pub fn load() -> Self {
        let items = RwSignal::new(Vec::<NotificationView>::new());
        // Loaded in the browser only. (A LocalResource would take a hydration id on the
        // server but not in the browser, shifting every later resource's data.)
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                if let Ok(list) = list_notifications().await {
                    items.update(|current| {
                        for n in list {
                            if !current.iter().any(|c| c.id == n.id) {
                                current.push(n);
                            }
                        }
                        current.sort_by_key(|n| std::cmp::Reverse(n.id));
                    });
                }
            });
        });
        on_event(move |envelope| {
            if let LiveEvent::NotificationCreated { notification } = &envelope.event {
                items.update(|list| {
                    if !list.iter().any(|n| n.id == notification.id) {
                        list.insert(0, notification.clone());
                    }
                });
            }
        });
        // Opening a conversation marks her notifications of it read (the server does
        // the same when the chat marks the conversation read).
        let location = use_location();
        Effect::new(move |_| {
            let path = location.pathname.get();
            let open = path
                .strip_prefix("/conversations/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|id| id.parse::<i64>().ok());
            if let Some(open) = open {
                let unread = items.with_untracked(|list| {
                    list.iter().any(|n| n.conversation_id == open && !n.read)
                });
                if unread {
                    items.update(|list| {
                        for n in list.iter_mut().filter(|n| n.conversation_id == open) {
                            n.read = true;
                        }
                    });
                }
            }
        });
        super::attention::follow();
        Notifications(items)
    }
}

/// `panel_id` names this bell's list (each bell on the page needs its own).
#[component]
pub fn NotificationBell(notifications: Notifications, panel_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let items = notifications.0;
    let open = RwSignal::new(false);
    let unread = move || items.with(|list| list.iter().filter(|n| !n.read).count());
    view! {
        <div class="bell">
            <button
                type="button"
                aria-expanded=move || open.get().to_string()
                // Only while the list is in the page: it is not rendered while closed.
                aria-controls=move || open.get().then_some(panel_id)
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                    <path
                        fill="currentColor"
                        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
                    />
                </svg>
                <span class="bell-label">{t!(i18n, notifications)}</span>
                <span class="badge" class:hidden=move || unread() == 0 aria-hidden="true">{unread}</span>
                <span class="visually-hidden">
                    {move || format!(" ({})", td_string!(i18n.get_locale(), unread_count, count = unread()))}
                </span>
            </button>
            <Show when=move || open.get()>
                {move || notification_panel(Panel { items, id: panel_id })}
            </Show>
        </div>
    }
}

/// What an open list shows, and the id its bell's button controls.
#[derive(Clone, Copy)]
struct Panel {
    items: RwSignal<Vec<NotificationView>>,
    id: &'static str,
}

/// The open list: mark all read, each notification a link to its conversation. Not split
/// into a WASM chunk of its own (as it once was): each split point multiplies the chunks
/// the pages load (BENCHMARKS.md, "Phone users").
fn notification_panel(panel: Panel) -> AnyView {
    let Panel {
        items,
        id: panel_id,
    } = panel;
    let i18n = use_i18n();
    let mark = move |id: Option<i64>| {
        items.update(|list| {
            for n in list.iter_mut().filter(|n| id.is_none() || Some(n.id) == id) {
                n.read = true;
            }
        });
        leptos::task::spawn_local(async move {
            let _ = mark_notifications_read(id).await;
        });
    };
    view! {
        <div id=panel_id class="notification-panel" role="region" aria-label=move || t_string!(i18n, notifications)>
            <button type="button" class="link" on:click=move |_| mark(None)>{t!(i18n, mark_all_read)}</button>
            <ul>
                <For each=move || items.get() key=|n| (n.id, n.read) let:n>
                    <li class:unread=!n.read>
                        <A href=format!("/conversations/{}?tab=all", n.conversation_id) on:click=move |_| mark(Some(n.id))>
                            <strong>{n.actor_name.clone().unwrap_or_default()}</strong>
                            {format!(" · #{} · ", n.display_id)}
                            <span class="kind">{kind_text(i18n, n.kind)}</span>
                            " · "
                            <time>{move || short(n.created_at)}</time>
                            <span class="preview">{n.preview.clone()}</span>
                        </A>
                    </li>
                </For>
            </ul>
            <Show when=move || items.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_notifications)}</p>
            </Show>
        </div>
    }
    .into_any()
}

/// What happened, in a word or two, beside who and where.
fn kind_text(i18n: leptos_i18n::I18nContext<Locale>, kind: NotificationKind) -> String {
    match kind {
        NotificationKind::Mention => t_string!(i18n, notify_kind_mention),
        NotificationKind::Assigned => t_string!(i18n, notify_kind_assigned),
        NotificationKind::NewConversation => t_string!(i18n, notify_kind_new_conversation),
        NotificationKind::CustomerReply => t_string!(i18n, notify_kind_customer_reply),
    }
    .to_string()
}
