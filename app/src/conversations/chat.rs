//! The open conversation: header with actions (assign, resolve, snooze, mark unread),
//! messages grouped by day with delivery state, older history on scroll, the contact
//! panel and the composer.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::composer::Composer;
use super::list::status_text;
use super::model::{
    ConversationDetail, ConversationSummary, MessageExtra, MessagePage, MessageView, SenderKind,
    Teammate,
};
use super::queue::OfflineQueue;
use super::{
    assign_conversation, conversation_messages, conversation_teammates, get_conversation,
    mark_conversation, retry_message, set_conversation_status,
};
use crate::agents::AgentProfile;
use crate::domain::{ConversationStatus, DeliveryStatus, MessageDirection};
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::{on_event, Live};
use crate::ui::attachment::AttachmentItem;
use crate::ui::error_text;
use crate::ui::time::{clock, day};

#[component]
pub fn ChatView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    });
    let resync = use_context::<Live>().map(|l| l.resync);
    // Messages that change while the conversation loads (a reply's delivery state,
    // say) would otherwise be missed: kept here and applied when the chat appears.
    let early = RwSignal::new(Vec::<MessageView>::new());
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        id.track();
        loaded.set(false);
        early.set(Vec::new());
    });
    on_event(move |envelope| match &envelope.event {
        LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message }
            if !loaded.get_untracked() && Some(message.conversation_id) == id.get_untracked() =>
        {
            early.update(|list| list.push(message.clone()));
        }
        _ => {}
    });
    let data = Resource::new(
        move || (id.get(), resync.map(|r| r.get())),
        |(id, _)| async move {
            let id = id.ok_or(crate::error::AppError::NotFound)?;
            let detail = get_conversation(id).await?;
            let page = conversation_messages(id, None).await?;
            let teammates = conversation_teammates(id).await?;
            Ok::<_, crate::error::AppError>((detail, page, teammates))
        },
    );
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((detail, mut page, teammates)) => {
                        loaded.set(true);
                        for message in early.get_untracked() {
                            if message.conversation_id == detail.summary.id {
                                upsert_message(&mut page.items, message);
                            }
                        }
                        early.set(Vec::new());
                        view! { <Chat detail page teammates /> }.into_any()
                    }
                    Err(err) => {
                        view! {
                            <div class="chat-error">
                                <A href="/conversations" attr:class="back">{t!(i18n, back_to_list)}</A>
                                <p role="alert" class="error">{error_text(i18n, &err)}</p>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Chat(detail: ConversationDetail, page: MessagePage, teammates: Vec<Teammate>) -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<AgentProfile>();
    let my_id = me.as_ref().map(|a| a.id).unwrap_or_default();
    let conversation_id = detail.summary.id;
    let summary = RwSignal::new(detail.summary.clone());
    // What canned responses may fill in.
    let variables = vec![
        ("contact.name", detail.summary.contact_name.clone()),
        (
            "contact.email",
            detail.contact_email.clone().unwrap_or_default(),
        ),
        (
            "contact.phone",
            detail.contact_phone.clone().unwrap_or_default(),
        ),
        (
            "agent.name",
            use_context::<AgentProfile>()
                .map(|a| a.shown_name().to_owned())
                .unwrap_or_default(),
        ),
        ("conversation.id", detail.summary.display_id.to_string()),
    ];
    let messages = RwSignal::new(page.items);
    // Replies written offline: shown as queued here, and as the real message once sent.
    let queue = use_context::<OfflineQueue>();
    if let Some(queue) = queue {
        Effect::new(move |_| {
            if let Some(message) = queue.sent.get() {
                if message.conversation_id == conversation_id {
                    messages.update(|list| {
                        if !list.iter().any(|m| m.id == message.id) {
                            upsert_message(list, message);
                        }
                    });
                }
            }
        });
    }
    let last_inbound = RwSignal::new(detail.whatsapp.as_ref().and_then(|w| w.last_inbound_at));
    let contact_id = detail.summary.contact_id;
    let inbox_id = detail.summary.inbox_id;
    let has_older = RwSignal::new(page.has_older);
    let action_error = RwSignal::new(None);
    let scroller = NodeRef::<leptos::html::Div>::new();
    // Files dropped anywhere on the conversation go to the composer's tray.
    let drop_files = RwSignal::new(None::<Callback<leptos::ev::DragEvent>>);
    let teammates = StoredValue::new(teammates);

    let mark_read = move || {
        leptos::task::spawn_local(async move {
            let _ = mark_conversation(conversation_id, true).await;
        });
    };
    Effect::new(move |_| mark_read());

    on_event(move |envelope| match &envelope.event {
        LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message }
            if message.conversation_id == conversation_id =>
        {
            let stick = near_bottom(scroller);
            messages.update(|list| upsert_message(list, message.clone()));
            if message.direction == MessageDirection::Incoming {
                mark_read();
            }
            if stick {
                scroll_to_bottom(scroller);
            }
        }
        LiveEvent::ConversationChanged { conversation, .. }
            if conversation.id == conversation_id =>
        {
            summary.set(conversation.clone());
            last_inbound.update(|l| *l = (*l).max(conversation.last_customer_message_at));
        }
        // The customer wrote in another conversation on the same number: the window
        // is per number, not per conversation.
        LiveEvent::ConversationChanged { conversation, .. }
            if conversation.contact_id == contact_id && conversation.inbox_id == inbox_id =>
        {
            last_inbound.update(|l| *l = (*l).max(conversation.last_customer_message_at));
        }
        _ => {}
    });
    Effect::new(move |_| scroll_to_bottom(scroller));

    let load_older = move || {
        let Some(oldest) = messages.with_untracked(|m| m.iter().find(|m| m.id > 0).map(|m| m.id))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(page) = conversation_messages(conversation_id, Some(oldest)).await {
                // Keep the reader where they were while history grows above them.
                let before = scroller
                    .get_untracked()
                    .map(|el| el.scroll_height() - el.scroll_top());
                messages.update(|list| {
                    let mut older = page.items;
                    older.retain(|m| !list.iter().any(|x| x.id == m.id));
                    older.append(list);
                    *list = older;
                });
                has_older.set(page.has_older);
                if let (Some(el), Some(offset)) = (scroller.get_untracked(), before) {
                    request_animation_frame(move || el.set_scroll_top(el.scroll_height() - offset));
                }
            }
        });
    };
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            if el.scroll_top() < 80 && has_older.get_untracked() {
                load_older();
            }
        }
    };

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
    let set_status = move |status: ConversationStatus, until: Option<i64>| {
        run(Box::pin(set_conversation_status(
            conversation_id,
            status,
            until,
        )))
    };
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
    let marked = use_context::<super::list::MarkedUnread>();
    let mark_unread = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match mark_conversation(conversation_id, false).await {
                // Back to the list, where it now shows as unread (as in Chatwoot).
                Ok(()) => {
                    if let Some(super::list::MarkedUnread(m)) = marked {
                        m.set(Some(conversation_id));
                    }
                    navigate(
                        &format!("/conversations{}", super::list::current_query()),
                        Default::default(),
                    );
                }
                Err(err) => action_error.set(Some(err)),
            }
        });
    };

    let contact_name = move || {
        let name = summary.with(|s| s.contact_name.clone());
        if name.is_empty() {
            t_string!(i18n, visitor).to_owned()
        } else {
            name
        }
    };
    view! {
        <article class="chat" aria-labelledby="chat-title">
            <header class="chat-header">
                <A href="/conversations" attr:class="back">{t!(i18n, back_to_list)}</A>
                <div class="chat-title">
                    <h2 id="chat-title">{contact_name}</h2>
                    <p class="muted">
                        <span>{move || summary.with(|s| format!("#{} · {} · ", s.display_id, s.inbox_name))}</span>
                        <span class="status-badge">{move || status_text(i18n, summary.with(|s| s.status))}</span>
                        // The contact panel has no room on a phone: its link comes up here.
                        <A href=move || format!("/contacts/{}", summary.with(|s| s.contact_id)) attr:class="phone-only chat-contact-link">{t!(i18n, view_contact)}</A>
                    </p>
                </div>
                <div class="chat-actions">
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
                    <Show when=move || summary.with(|s| s.assignee_id != Some(my_id))>
                        <button type="button" on:click=move |_| assign_to(Some(my_id))>{t!(i18n, assign_to_me)}</button>
                    </Show>
                    <Show
                        when=move || summary.with(|s| s.status == ConversationStatus::Resolved)
                        fallback=move || view! {
                            <button type="button" class="primary" on:click=move |_| set_status(ConversationStatus::Resolved, None)>
                                {t!(i18n, resolve)}
                            </button>
                        }
                    >
                        <button type="button" on:click=move |_| set_status(ConversationStatus::Open, None)>{t!(i18n, reopen)}</button>
                    </Show>
                    <label class="snooze">
                        <span>{t!(i18n, snooze)}</span>
                        <select on:change=on_snooze>
                            <option value="" selected>"—"</option>
                            <option value="1h">{t!(i18n, snooze_hour)}</option>
                            <option value="tomorrow">{t!(i18n, snooze_tomorrow)}</option>
                            <option value="reply">{t!(i18n, snooze_reply)}</option>
                        </select>
                    </label>
                    <button type="button" on:click=mark_unread>{t!(i18n, mark_unread)}</button>
                </div>
                {move || action_error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
            </header>
            <div class="chat-body"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    if let Some(handler) = drop_files.get_untracked() {
                        handler.run(ev);
                    }
                }>
                <div class="messages" node_ref=scroller on:scroll=on_scroll>
                    <Show when=move || has_older.get()>
                        <button type="button" class="link" on:click=move |_| load_older()>{t!(i18n, load_older)}</button>
                    </Show>
                    // Keyed: a new message or delivery update touches one row, not the history.
                    <ol class="message-list" aria-label=move || t_string!(i18n, messages_label)>
                        <For
                            each=move || with_day_labels(&messages.get())
                            key=|(label, m)| (m.id, m.delivery_status, m.delivery_error.clone(), label.is_some())
                            let:item
                        >
                            {item.0.map(|label| view! { <li class="day-label" role="separator">{label}</li> })}
                            <MessageItem message=item.1 conversation_id />
                        </For>
                        <For
                            each=move || queue.map(|q| q.in_conversation(conversation_id)).unwrap_or_default()
                            key=|reply| reply.key.clone()
                            let:reply
                        >
                            <li class=if reply.private { "message note queued" } else { "message outgoing queued" }>
                                {reply.private.then(|| view! { <p class="meta"><span class="note-tag">{t!(i18n, private_note)}</span></p> })}
                                <p class="body">{reply.body}</p>
                                <p class="delivery delivery-queued">{t!(i18n, delivery_queued)}</p>
                            </li>
                        </For>
                    </ol>
                </div>
                <aside class="contact-panel" aria-label=move || t_string!(i18n, contact_label)>
                    <h3>{contact_name}</h3>
                    {detail.contact_email.clone().map(|e| view! { <p>{e}</p> })}
                    {detail.contact_phone.clone().map(|p| view! { <p>{p}</p> })}
                    <A href=format!("/contacts/{}", detail.summary.contact_id)>{t!(i18n, view_contact)}</A>
                </aside>
            </div>
            <Composer conversation_id messages teammates=teammates.get_value() variables=variables.clone()
                whatsapp=detail.whatsapp.clone() last_inbound on_sent=move || scroll_to_bottom(scroller)
                channel=detail.summary.channel limits=detail.limits drop_files />
        </article>
    }
}

fn now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

/// Inserts or replaces by id; a confirmed message replaces its optimistic copy.
pub fn upsert_message(list: &mut Vec<MessageView>, message: MessageView) {
    if let Some(existing) = list.iter_mut().find(|m| m.id == message.id) {
        *existing = message;
    } else {
        let at = list
            .iter()
            .position(|m| m.id > message.id && m.id > 0)
            .unwrap_or(list.len());
        list.insert(at, message);
    }
}

/// Each message with the day label to show above it (on the first of each day).
fn with_day_labels(messages: &[MessageView]) -> Vec<(Option<String>, MessageView)> {
    let mut previous = None;
    messages
        .iter()
        .map(|message| {
            let (key, label) = day(message.created_at);
            let first_of_day = previous != Some(key);
            previous = Some(key);
            (first_of_day.then_some(label), message.clone())
        })
        .collect()
}

fn near_bottom(scroller: NodeRef<leptos::html::Div>) -> bool {
    scroller
        .get_untracked()
        .map(|el| el.scroll_height() - el.scroll_top() - el.client_height() < 120)
        .unwrap_or(true)
}

fn scroll_to_bottom(scroller: NodeRef<leptos::html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

/// Why a file of a customer's email was not kept, in the reader's language.
fn dropped_file_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    refusal: &crate::domain::attachment::FileRefusal,
) -> String {
    use crate::domain::attachment::{human_size, FileRefusal};
    match refusal {
        FileRefusal::Empty { file_name } => {
            t_string!(i18n, email_file_empty, name = file_name.clone()).to_string()
        }
        FileRefusal::TooLarge {
            file_name,
            limit_bytes,
        } => t_string!(
            i18n,
            email_file_too_large,
            name = file_name.clone(),
            limit = human_size(*limit_bytes)
        )
        .to_string(),
        FileRefusal::Executable { file_name } => {
            t_string!(i18n, email_file_executable, name = file_name.clone()).to_string()
        }
        FileRefusal::Disguised {
            file_name,
            detected,
        } => t_string!(
            i18n,
            email_file_disguised,
            name = file_name.clone(),
            detected = detected.clone()
        )
        .to_string(),
        FileRefusal::Unsupported { file_name } => {
            t_string!(i18n, email_file_unsupported, name = file_name.clone()).to_string()
        }
        other => crate::ui::files::refusal_text(i18n, other),
    }
}

#[component]
fn MessageItem(message: MessageView, conversation_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let class = match (message.direction, message.private) {
        (_, true) => "message note",
        (MessageDirection::Incoming, _) => "message incoming",
        (MessageDirection::Outgoing, _) => "message outgoing",
        (MessageDirection::Activity, _) => "message activity",
    };
    let sender = message.sender_name.clone().unwrap_or_default();
    let at = message.created_at;
    let status = message.delivery_status;
    let error = message.delivery_error.clone();
    let message_id = message.id;
    let retry = move |_| {
        leptos::task::spawn_local(async move {
            let _ = retry_message(conversation_id, message_id).await;
        });
    };
    view! {
        <li class=class data-message-id=message.id>
            <p class="meta">
                {(message.sender_kind != SenderKind::System && !sender.is_empty())
                    .then(|| view! { <span class="sender">{sender}</span> })}
                {message.private.then(|| view! { <span class="note-tag">{t!(i18n, private_note)}</span> })}
                <time>{move || clock(at)}</time>
            </p>
            {match message.extra.clone() {
                Some(MessageExtra::ContinuedIn { conversation_id, display_id }) => view! {
                    <p class="body">
                        {t!(i18n, continued_in)}" "
                        <A href=format!("/conversations/{conversation_id}")>{format!("#{display_id}")}</A>
                    </p>
                }.into_any(),
                Some(MessageExtra::ThreadRefused { display_id }) => view! {
                    <p class="body">{t!(i18n, email_thread_refused, n = display_id)}</p>
                }.into_any(),
                Some(MessageExtra::MailRefused { byte_size, limit_bytes }) => {
                    let size = crate::domain::attachment::human_size(byte_size);
                    let limit = crate::domain::attachment::human_size(limit_bytes);
                    view! {
                        <p class="subject"><strong>{message.body.clone()}</strong></p>
                        <p class="body refused">{t!(i18n, email_refused_too_large, size = size, limit = limit)}</p>
                    }.into_any()
                }
                Some(MessageExtra::FilesRefused { files }) => view! {
                    <p class="body">{t!(i18n, email_files_refused)}</p>
                    <ul class="refused-files">
                        {files.iter().map(|file| view! { <li>{dropped_file_text(i18n, file)}</li> }).collect_view()}
                    </ul>
                }.into_any(),
                Some(MessageExtra::Email { subject, quoted, html }) => view! {
                    <p class="subject"><strong>{subject}</strong></p>
                    {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                    {quoted.map(|q| view! {
                        <details class="quoted"><summary>{t!(i18n, email_show_quoted)}</summary><pre>{q}</pre></details>
                    })}
                    {html.map(|html| view! { <EmailHtml html /> })}
                }.into_any(),
                Some(MessageExtra::Template { name, .. }) => view! {
                    <p class="template-tag">{t!(i18n, template_tag, name = name.clone())}</p>
                    <p class="body">{render_body(&message)}</p>
                }.into_any(),
                Some(MessageExtra::Location { latitude, longitude, .. }) => {
                    let map = format!("https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=16/{latitude}/{longitude}");
                    view! {
                        <p class="body">{render_body(&message)}</p>
                        <p><a href=map target="_blank" rel="noopener noreferrer">{t!(i18n, message_location_open)}</a></p>
                    }.into_any()
                }
                Some(MessageExtra::Reaction { emoji, .. }) => {
                    let text = if emoji.is_empty() {
                        t_string!(i18n, message_reaction_removed).to_string()
                    } else {
                        t_string!(i18n, message_reaction, emoji = emoji.clone()).to_string()
                    };
                    view! { <p class="body reaction">{text}</p> }.into_any()
                }
                Some(MessageExtra::Unsupported { message_type }) => view! {
                    <p class="body unsupported">{t!(i18n, message_unsupported, kind = message_type.clone())}</p>
                    {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                }.into_any(),
                None if message.body.is_empty() => ().into_any(),
                None => view! { <p class="body">{render_body(&message)}</p> }.into_any(),
            }}
            {(!message.attachments.is_empty()).then(|| view! {
                <ul class="attachments">
                    {message.attachments.iter().map(|file| view! { <li><AttachmentItem url=file.url() file=file.clone() /></li> }).collect_view()}
                </ul>
            })}
            {status
                .map(|status| {
                    let label = move || match status {
                        DeliveryStatus::Sending => t_string!(i18n, delivery_sending),
                        DeliveryStatus::Sent => t_string!(i18n, delivery_sent),
                        DeliveryStatus::Delivered => t_string!(i18n, delivery_delivered),
                        DeliveryStatus::Read => t_string!(i18n, delivery_read),
                        DeliveryStatus::Failed => t_string!(i18n, delivery_failed),
                    };
                    view! {
                        <p class=format!("delivery delivery-{status}")>
                            {label}
                            {error.clone().map(|e| view! { <span class="delivery-error">{format!(": {}", delivery_error_text(i18n, &e))}</span> })}
                            {(status == DeliveryStatus::Failed)
                                .then(|| view! { <button type="button" class="link" on:click=retry>{t!(i18n, retry)}</button> })}
                        </p>
                    }
                })}
        </li>
    }
}

/// Charla's own failure codes in words; a channel's reason (Meta's "131047 · …") as is.
fn delivery_error_text(i18n: leptos_i18n::I18nContext<Locale>, error: &str) -> String {
    match error {
        "channel_unavailable" => t_string!(i18n, delivery_error_channel).to_string(),
        "whatsapp_not_configured" => t_string!(i18n, delivery_error_whatsapp_setup).to_string(),
        "email_not_configured" => t_string!(i18n, delivery_error_email_setup).to_string(),
        "no_recipient" => t_string!(i18n, delivery_error_no_recipient).to_string(),
        other => other.to_owned(),
    }
}

/// A customer's email as it was written, sanitised on arrival and shown in a fully
/// sandboxed frame (no scripts, no same-origin); remote images stay blocked by the
/// frame's own Content-Security-Policy until the agent asks for them.
#[component]
fn EmailHtml(html: String) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let images = RwSignal::new(false);
    let html = StoredValue::new(html);
    let document = move || {
        let images = if images.get() {
            "img-src http: https: data: cid:"
        } else {
            "img-src data: cid:"
        };
        format!(
            "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; {images}; style-src 'unsafe-inline'\"><base target=\"_blank\">{}",
            html.get_value()
        )
    };
    view! {
        <div class="email-html">
            <button type="button" class="link" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {t!(i18n, email_show_html)}
            </button>
            <Show when=move || open.get()>
                <iframe sandbox="allow-popups" referrerpolicy="no-referrer"
                    title=move || t_string!(i18n, email_frame_title) srcdoc=document></iframe>
                <Show when=move || !images.get()>
                    <button type="button" class="link" on:click=move |_| images.set(true)>{t!(i18n, email_load_images)}</button>
                </Show>
            </Show>
        </div>
    }
}

/// The body as text, with mentioned teammates shown as chips.
fn render_body(message: &MessageView) -> impl IntoView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut rest = message.body.as_str();
    loop {
        let next = message
            .mentions
            .iter()
            .filter_map(|m| rest.find(&format!("@{}", m.name)).map(|at| (at, m)))
            .min_by_key(|(at, _)| *at);
        match next {
            Some((at, mention)) => {
                parts.push(rest[..at].to_owned().into_any());
                parts.push(
                    view! { <span class="mention">{format!("@{}", mention.name)}</span> }
                        .into_any(),
                );
                rest = &rest[at + mention.name.len() + 1..];
            }
            None => {
                parts.push(rest.to_owned().into_any());
                break;
            }
        }
    }
    parts
}
