//! The visitor's chat window (served at /widget/{token}, full page or inside the
//! embed iframe). All data loads in the browser; where the visitor token lives is
//! `host`'s business.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::host::{self, Handover};
use super::model::upsert;
use super::offline::{EmailCapture, TeamStatus};
use super::opened;
use super::receipts::{self, Receipts};
use super::survey::{Answering, SurveyCardView};
use super::typing::{Typing, TypingNote};
use super::{widget_open, widget_send, HostUser, VisitorMessage, WidgetState};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::i18n::*;
use crate::live::LiveStatus;
use crate::ui::attachment::AttachmentItem;
use crate::ui::error_text;
use crate::ui::files::{tray_state, Attacher, FileTray, TrayState, UploadTarget};
use crate::ui::icons::{Icon, IconKind};
use crate::ui::recorder::VoiceRecorder;
use crate::ui::time::clock;

#[component]
pub fn WidgetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let visitor = RwSignal::new(None::<String>);
    let state = RwSignal::new(None::<WidgetState>);
    let messages = RwSignal::new(Vec::<VisitorMessage>::new());
    let status = RwSignal::new(LiveStatus::Offline);
    let error = RwSignal::new(None::<AppError>);
    let text = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let tray = RwSignal::new(Vec::new());
    let file_error = RwSignal::new(None::<String>);
    let typing = Typing::new();
    let receipts = Receipts::new(messages, typing);
    Effect::new(move |_| receipts::watch(receipts));
    super::host_events::watch(messages, state);
    // Files need a known visitor (uploads are theirs until the message claims them).
    let target = move || {
        let identified = state.with(|s| s.as_ref().is_some_and(|s| s.identified));
        visitor
            .get()
            .filter(|_| identified)
            .map(|visitor| UploadTarget::Visitor {
                token: token.get(),
                visitor,
            })
    };
    let attacher = move || {
        target().map(|target| Attacher {
            target,
            channel: ChannelKind::WebChat,
            limits: state.with_untracked(|s| s.as_ref().map(|s| s.limits).unwrap_or_default()),
            files: tray,
            error: file_error,
        })
    };
    let file_url = move |id: i64| {
        format!(
            "/api/widget/attachments/{id}?token={}&visitor={}",
            token.get_untracked(),
            visitor.get_untracked().unwrap_or_default()
        )
    };

    // What the widget was opened with; a different hand-over later (the host's
    // `Charla.setUser` or `Charla.reset`) starts the page afresh with it.
    let opened_with = StoredValue::new(None::<Handover>);
    let user = StoredValue::new(None::<HostUser>);
    super::page_calls::watch(token, visitor, state, user);
    // Chatwoot's `webwidget_triggered`: the chat loaded (the launcher's first open, or
    // a page of its own), or the launcher opened it again.
    let tell_opened = move || {
        opened::tell(opened::Opening {
            token: token.get_untracked(),
            visitor: visitor.get_untracked(),
            user: user.get_value(),
            locale: i18n.get_locale_untracked().to_string(),
        })
    };
    let open_with = move |handover: Handover| {
        if let Some(previous) = opened_with.get_value() {
            if previous != handover {
                #[cfg(feature = "hydrate")]
                let _ = window().location().reload();
            }
            return;
        }
        opened_with.set_value(Some(handover.clone()));
        let Handover {
            visitor: stored,
            user: who,
        } = handover;
        visitor.set(stored.clone());
        user.set_value(who.clone());
        // An unsigned user is what the page says of her: the form starts filled with it.
        if let Some(said) = who.as_ref().filter(|u| !u.signed()) {
            name.set(said.name.clone().unwrap_or_default());
            email.set(said.email.clone().unwrap_or_default());
        }
        let token = token.get_untracked();
        leptos::task::spawn_local(async move {
            let mut result = widget_open(token.clone(), stored.clone(), who.clone()).await;
            if who.as_ref().is_some_and(HostUser::signed)
                && matches!(result, Err(AppError::Unauthorized))
            {
                // The site's identity did not verify: chat as a newcomer rather than not at all.
                leptos::logging::warn!(
                    "Charla: identifier_hash does not match identifier; the visitor is anonymous"
                );
                user.set_value(None);
                result = widget_open(token.clone(), stored.clone(), None).await;
            }
            match result {
                Ok(opened) => {
                    if let Some(issued) = &opened.visitor {
                        host::keep(&token, Some(issued));
                        visitor.set(Some(issued.clone()));
                    } else if !opened.identified {
                        // A token the server no longer knows (or another person's): start afresh.
                        if stored.is_some() {
                            host::keep(&token, None);
                        }
                        visitor.set(None);
                    }
                    messages.set(opened.messages.clone());
                    // Not for a reload the host asked for while its launcher is closed
                    // (`Charla.setUser`, `Charla.reset`): nobody opened anything.
                    if host::opened_by_host() {
                        tell_opened();
                    }
                    if let Some(at) = opened.seen_at {
                        receipts.agent_read(at);
                    }
                    state.set(Some(opened));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // A page of its own keeps her token itself (a popout whose opener does not hand one
    // over is one too).
    let own_handover = move || Handover {
        visitor: host::load(&token.get_untracked()),
        user: None,
    };
    Effect::new(move |_| {
        if host::embedded() || host::popped_out() {
            let embedded = host::embedded();
            host::listen(
                move |handover| {
                    open_with(handover.unwrap_or_else(|| {
                        if embedded {
                            Handover::default()
                        } else {
                            own_handover()
                        }
                    }))
                },
                move |open| {
                    receipts.check();
                    if open && state.with_untracked(Option::is_some) {
                        tell_opened();
                    }
                },
                super::page_calls::receive,
            );
        } else {
            open_with(own_handover());
        }
    });
    // Once the visitor exists, listen for replies.
    Effect::new(move |connected: Option<bool>| {
        if connected == Some(true) {
            return true;
        }
        let identified = state.with(|s| s.as_ref().is_some_and(|s| s.identified));
        match (visitor.get(), identified) {
            (Some(v), true) => {
                #[cfg(feature = "hydrate")]
                super::socket::connect(
                    token.get_untracked(),
                    v,
                    messages,
                    status,
                    typing,
                    receipts,
                );
                #[cfg(not(feature = "hydrate"))]
                let _ = v;
                true
            }
            _ => false,
        }
    });

    let send_with = move |body: String, attachments: Vec<i64>| {
        if (body.trim().is_empty() && attachments.is_empty()) || sending.get_untracked() {
            return;
        }
        sending.set(true);
        let first = visitor.get_untracked().is_none();
        let (n, e) = (name.get_untracked(), email.get_untracked());
        let gave_email = first && !e.trim().is_empty();
        leptos::task::spawn_local(async move {
            let result = widget_send(
                token.get_untracked(),
                visitor.get_untracked(),
                body,
                first.then_some(n).filter(|n| !n.trim().is_empty()),
                first.then_some(e).filter(|e| !e.trim().is_empty()),
                attachments.clone(),
                user.get_value(),
            )
            .await;
            match result {
                Ok(sent) => {
                    if first {
                        host::tell("on-start-conversation", serde_json::Value::Null);
                    }
                    if visitor.get_untracked().as_deref() != Some(sent.visitor.as_str()) {
                        host::keep(&token.get_untracked(), Some(&sent.visitor));
                    }
                    messages.update(|list| upsert(list, sent.message));
                    visitor.set(Some(sent.visitor));
                    state.update(|s| {
                        if let Some(s) = s {
                            s.identified = true;
                            s.ask_email &= !gave_email;
                        }
                    });
                    if !attachments.is_empty() {
                        tray.set(Vec::new());
                    }
                    text.set(String::new());
                    typing.wrote("");
                    error.set(None);
                }
                Err(err) => {
                    host::tell("error", serde_json::json!({ "error": err.to_string() }));
                    error.set(Some(err));
                }
            }
            sending.set(false);
        });
    };
    let send = move || {
        let attachments = match tray_state(&tray.get_untracked()) {
            TrayState::Ready(ids) => ids,
            TrayState::Uploading => {
                file_error.set(Some(t_string!(i18n, attachments_wait).to_string()));
                return;
            }
            TrayState::Failed => {
                file_error.set(Some(t_string!(i18n, attachments_failed_first).to_string()));
                return;
            }
        };
        file_error.set(None);
        send_with(text.get_untracked(), attachments);
    };
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let (Some(input), Some(attacher)) = (
                ev.target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()),
                attacher(),
            ) {
                attacher.add(crate::ui::files::files_of(input.files()), i18n);
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove_file = Callback::new(move |key: u32| {
        #[cfg(feature = "hydrate")]
        if let Some(attacher) = attacher() {
            attacher.remove(key);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, attacher);
    });
    let send_voice = Callback::new(move |stored: crate::domain::attachment::UploadedFile| {
        send_with(String::new(), vec![stored.id]);
    });
    let status_text = move || match status.get() {
        LiveStatus::Live => t_string!(i18n, widget_connected),
        LiveStatus::Connecting => t_string!(i18n, live_connecting),
        LiveStatus::Offline => t_string!(i18n, widget_not_connected),
    };

    view! {
        <main class="widget">
            <header class="widget-header">
                <h1>{move || state.with(|s| s.as_ref().map(|s| s.inbox_name.clone()).unwrap_or_default())}</h1>
                <span role="status" class="muted">{status_text}</span>
            </header>
            <p class="widget-greeting">
                {move || state.with(|s| s.as_ref().and_then(|s| s.greeting.clone()))}
            </p>
            <TeamStatus state />
            // The log holds the list (a list's items need the list as their parent).
            <div class="widget-log" role="log" aria-label=move || t_string!(i18n, messages_label)>
            <ol class="widget-messages">
                <For each=move || messages.get() key=|m| m.id let:m>
                    <li class=if m.from_agent { "message incoming" } else { "message outgoing" }>
                        <p class="meta">
                            <span class="sender">
                                {if m.from_agent {
                                    m.agent_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| t_string!(i18n, widget_team).to_owned())
                                } else {
                                    t_string!(i18n, widget_you).to_owned()
                                }}
                            </span>
                            <time>{move || clock(m.created_at)}</time>
                            {(!m.from_agent).then(|| {
                                let id = m.id;
                                view! {
                                    <Show when=move || receipts.last_seen() == Some(id)>
                                        <span class="seen">{t!(i18n, widget_seen)}</span>
                                    </Show>
                                }
                            })}
                        </p>
                        {(!m.body.is_empty()).then(|| view! { <p class="body">{m.body.clone()}</p> })}
                        {(!m.attachments.is_empty()).then(|| view! {
                            <ul class="attachments">
                                {m.attachments.iter().map(|file| view! {
                                    <li><AttachmentItem url=file_url(file.id) file=file.clone() /></li>
                                }).collect_view()}
                            </ul>
                        })}
                        {m.survey.clone().map(|card| {
                            let answering = Answering::Widget { message_id: m.id, token, visitor };
                            view! { <SurveyCardView card answering /> }
                        })}
                    </li>
                </For>
            </ol>
            </div>
            <TypingNote typing />
            <EmailCapture state token visitor user />
            <form class="widget-form" on:submit=move |ev| { ev.prevent_default(); send(); }>
                <Show when=move || state.with(|s| s.as_ref().is_some_and(|s| !s.identified))>
                    <fieldset class="prechat">
                        <legend>{t!(i18n, widget_prechat)}</legend>
                        <label for="widget-name">{t!(i18n, widget_name)}</label>
                        <input id="widget-name" autocomplete="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        <label for="widget-email">{t!(i18n, widget_email)}</label>
                        <input id="widget-email" type="email" autocomplete="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                    </fieldset>
                </Show>
                <label for="widget-message">{t!(i18n, message_label)}</label>
                <textarea
                    id="widget-message"
                    rows="2"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        typing.wrote(&value);
                        text.set(value);
                    }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                            ev.prevent_default();
                            send();
                        }
                    }
                ></textarea>
                {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                <FileTray files=tray on_remove=remove_file />
                {move || file_error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
                <div class="widget-actions">
                    {move || target().map(|target| view! {
                        <label class="button icon-button file-pick" for="widget-attach" data-tip=move || t_string!(i18n, attach_files)>
                            <Icon kind=IconKind::Attach />
                            <span class="visually-hidden">{t!(i18n, attach_files)}</span>
                        </label>
                        <input type="file" multiple class="visually-hidden" id="widget-attach" on:change=on_pick />
                        <VoiceRecorder target limits=state.with_untracked(|s| s.as_ref().map(|s| s.limits).unwrap_or_default()) on_recorded=send_voice />
                    })}
                    <button type="submit" class="primary" disabled=sending>{t!(i18n, send)}</button>
                </div>
            </form>
        </main>
    }
}
