//! The composer: Responder / Nota privada, Enter sends and Shift+Enter breaks the line,
//! a per-conversation draft kept in the browser, `@` mentions in notes and an emoji
//! picker. A reply shows as "sending" at once and carries an idempotency key, so a
//! retried request never creates a second message.
use leptos::prelude::*;

use super::chat::upsert_message;
use super::model::{MessageView, SenderKind, Teammate, WhatsAppComposer};
use super::queue::{OfflineQueue, QueuedReply};
use super::{send_message, send_template};
use crate::agents::AgentProfile;
use crate::canned::list_canned;
use crate::domain::attachment::UploadLimits;
use crate::domain::canned::{fill_variables, trailing_slash_command, CannedResponse};
use crate::domain::whatsapp::{hours_minutes, Window};
use crate::domain::ChannelKind;
use crate::domain::{DeliveryStatus, MessageBody, MessageDirection};
use crate::emoji::EmojiPicker;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::files::{tray_state, Attacher, FileTray, TrayState, UploadTarget};
use crate::ui::recorder::VoiceRecorder;
use crate::ui::template_picker::{first_sendable, TemplatePicker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Reply,
    Note,
}

#[component]
pub fn Composer(
    conversation_id: i64,
    messages: RwSignal<Vec<MessageView>>,
    teammates: Vec<Teammate>,
    /// Values for canned responses' `{{variables}}`.
    variables: Vec<(&'static str, String)>,
    /// WhatsApp conversations: the 24-hour window and the templates on offer.
    whatsapp: Option<WhatsAppComposer>,
    /// The customer's last message on this number (moves as they write).
    last_inbound: RwSignal<Option<i64>>,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
    channel: ChannelKind,
    limits: UploadLimits,
    /// Set here: what a drop on the conversation does.
    drop_files: RwSignal<Option<Callback<leptos::ev::DragEvent>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let attacher = Attacher::new(UploadTarget::Agent { conversation_id }, channel, limits);
    let tray = attacher.files;
    let file_error = attacher.error;
    // Send pressed while files were still uploading: it goes when they are stored.
    let waiting = RwSignal::new(false);
    let attacher = StoredValue::new(attacher);
    #[cfg(feature = "hydrate")]
    drop_files.set(Some(Callback::new(move |ev: leptos::ev::DragEvent| {
        let picked = crate::ui::files::files_of(ev.data_transfer().and_then(|dt| dt.files()));
        attacher.with_value(|a| a.add(picked, i18n));
    })));
    #[cfg(not(feature = "hydrate"))]
    let _ = drop_files;
    let is_whatsapp = whatsapp.is_some();
    // The browser's clock, corrected by the server's (the server enforces the rule).
    let skew = whatsapp.as_ref().map(|w| w.server_now - now()).unwrap_or(0);
    let tick = RwSignal::new(0_u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if is_whatsapp {
            if let Ok(handle) = set_interval_with_handle(
                move || tick.update(|n| *n = n.wrapping_add(1)),
                std::time::Duration::from_secs(20),
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let window = move || -> Option<Window> {
        tick.track();
        is_whatsapp.then(|| Window::at(last_inbound.get(), now() + skew))
    };
    let templates = StoredValue::new(whatsapp.map(|w| w.templates).unwrap_or_default());
    let template_id = RwSignal::new(templates.with_value(|t| first_sendable(t)));
    let params = RwSignal::new(Vec::<String>::new());
    let header_file = RwSignal::new(None::<i64>);
    let template_errors = RwSignal::new(Vec::<(String, String)>::new());
    Effect::new(move |_| {
        let id = template_id.get();
        let count = templates.with_value(|list| {
            list.iter()
                .find(|t| Some(t.id) == id)
                .map(|t| t.variable_count())
                .unwrap_or(0)
        });
        params.set(vec![String::new(); count]);
    });
    let me = use_context::<AgentProfile>();
    let me_id = me.as_ref().map(|a| a.id);
    let mode = RwSignal::new(Mode::Reply);
    let text = RwSignal::new(String::new());
    let mentions = RwSignal::new(Vec::<Teammate>::new());
    let mention_query = RwSignal::new(None::<String>);
    let emoji_open = RwSignal::new(false);
    let error = RwSignal::new(None);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let teammates = StoredValue::new(teammates);
    let sending = RwSignal::new(0_u32);
    let variables = StoredValue::new(variables);
    // Canned responses: fetched the first time `/` is typed.
    let canned = RwSignal::new(None::<Vec<CannedResponse>>);
    let canned_query = RwSignal::new(None::<String>);
    let canned_choices = move || -> Vec<CannedResponse> {
        let Some(query) = canned_query.get() else {
            return Vec::new();
        };
        canned
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                c.short_code.contains(&query.to_lowercase())
                    || crate::domain::search_text(&[Some(&c.content)])
                        .contains(&crate::domain::search_text(&[Some(&query)]))
            })
            .take(8)
            .collect()
    };
    let insert_canned = move |choice: CannedResponse| {
        let filled = variables.with_value(|v| fill_variables(&choice.content, v));
        text.update(|t| {
            if let Some(slash) = t.rfind('/') {
                t.truncate(slash);
                t.push_str(&filled);
            }
        });
        canned_query.set(None);
        focus_end(textarea);
    };

    // Restore the draft once in the browser; keep it on every change.
    Effect::new(move |_| {
        if let Some(draft) = draft::load(conversation_id) {
            text.set(draft);
        }
    });
    Effect::new(move |first: Option<()>| {
        let value = text.get();
        if first.is_some() {
            draft::save(conversation_id, &value);
        }
    });

    // Reply mode on a closed WhatsApp window: only a template can go out.
    let template_only = move || mode.get() == Mode::Reply && window().is_some_and(|w| !w.is_open());
    let send_chosen_template = move || {
        let id = template_id.get_untracked();
        let chosen = templates.with_value(|list| list.iter().find(|t| Some(t.id) == id).cloned());
        let Some(template) = chosen else {
            template_errors.set(vec![("template_id".into(), "required".into())]);
            return;
        };
        let values = params.get_untracked();
        if let Some(n) = template.first_missing(&values) {
            template_errors.set(vec![(format!("params.{n}"), "required".into())]);
            return;
        }
        let header = header_file.get_untracked();
        if template.header_media.is_some() && header.is_none() {
            template_errors.set(vec![("header_file".into(), "required".into())]);
            return;
        }
        template_errors.set(Vec::new());
        error.set(None);
        let key = idempotency_key();
        leptos::task::spawn_local(async move {
            match send_template(conversation_id, template.id, values, Some(key), header).await {
                Ok(message) => {
                    messages.update(|list| {
                        if !list.iter().any(|m| m.id == message.id) {
                            upsert_message(list, message);
                        }
                    });
                    let count = params.with_untracked(Vec::len);
                    params.set(vec![String::new(); count]);
                    // The file went with this message; the next one needs its own.
                    template_id.notify();
                    on_sent();
                }
                Err(crate::error::AppError::Validation { field, code })
                    if field.starts_with("params") || field == "header_file" =>
                {
                    template_errors.set(vec![(field, code)]);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };

    let send = Callback::new(move |()| {
        if template_only() {
            send_chosen_template();
            return;
        }
        let attachments = match tray_state(&tray.get_untracked()) {
            TrayState::Ready(ids) => ids,
            TrayState::Uploading => {
                waiting.set(true);
                return;
            }
            TrayState::Failed => {
                file_error.set(Some(t_string!(i18n, attachments_failed_first).to_string()));
                return;
            }
        };
        waiting.set(false);
        let body = text.get_untracked();
        let body = match MessageBody::parse_beside_files(&body, !attachments.is_empty()) {
            Ok(body) => body.map(|b| b.as_str().to_owned()).unwrap_or_default(),
            Err(code) => {
                error.set(Some(crate::error::AppError::validation("body", code)));
                return;
            }
        };
        let private = mode.get_untracked() == Mode::Note;
        let mentioned: Vec<i64> = mentions
            .get_untracked()
            .into_iter()
            .filter(|t| private && body.contains(&format!("@{}", t.name)))
            .map(|t| t.id)
            .collect();
        let key = idempotency_key();
        let with_files = !attachments.is_empty();
        let queue = use_context::<OfflineQueue>();
        // Optimistic copy with a negative id until the server confirms it.
        sending.update(|n| *n += 1);
        let temp_id = -(sending.get_untracked() as i64);
        let optimistic = MessageView {
            id: temp_id,
            conversation_id,
            inbox_id: 0,
            direction: MessageDirection::Outgoing,
            private,
            sender_kind: SenderKind::Agent,
            sender_name: me.as_ref().map(|a| a.shown_name().to_owned()),
            body: body.clone(),
            delivery_status: (!private).then_some(DeliveryStatus::Sending),
            delivery_error: None,
            created_at: now(),
            mentions: Vec::new(),
            extra: None,
            attachments: Vec::new(),
        };
        messages.update(|list| list.push(optimistic));
        text.set(String::new());
        mentions.set(Vec::new());
        error.set(None);
        #[cfg(feature = "hydrate")]
        let sent_files = attacher.with_value(|a| a.take());
        on_sent();
        leptos::task::spawn_local(async move {
            let result = send_message(
                conversation_id,
                body.clone(),
                private,
                Some(key.clone()),
                mentioned.clone(),
                attachments,
            )
            .await;
            messages.update(|list| list.retain(|m| m.id != temp_id));
            match result {
                // No network: the reply waits in the browser and goes, with this key,
                // when the network is back. (Files need the network to be uploaded, so
                // a reply with files goes back to the composer instead.)
                Err(crate::error::AppError::Transport(_))
                    if !with_files && queue.is_some() && me_id.is_some() =>
                {
                    if let (Some(queue), Some(me)) = (queue, me_id) {
                        queue.push(QueuedReply {
                            key,
                            agent_id: me,
                            conversation_id,
                            body,
                            private,
                            mentions: mentioned,
                        });
                    }
                }
                // Live events may already have brought it (and a newer delivery state):
                // the response is only a fallback for a socket that is behind.
                Ok(message) => {
                    #[cfg(feature = "hydrate")]
                    Attacher::release(&sent_files);
                    messages.update(|list| {
                        if !list.iter().any(|m| m.id == message.id) {
                            upsert_message(list, message);
                        }
                    })
                }
                Err(err) => {
                    // Nothing typed or attached is lost: it all goes back into the composer.
                    if text.get_untracked().is_empty() {
                        text.set(body);
                    }
                    #[cfg(feature = "hydrate")]
                    tray.update(|list| {
                        let mut restored = sent_files;
                        restored.append(list);
                        *list = restored;
                    });
                    error.set(Some(err));
                }
            }
        });
    });
    // The message held back for uploads goes as soon as they are all stored.
    Effect::new(move |_| {
        if waiting.get() && attacher.with_value(|a| a.settled()) {
            waiting.set(false);
            send.run(());
        }
    });
    let send_voice = Callback::new(move |stored: crate::domain::attachment::UploadedFile| {
        let private = mode.get_untracked() == Mode::Note;
        let key = idempotency_key();
        leptos::task::spawn_local(async move {
            match send_message(
                conversation_id,
                String::new(),
                private,
                Some(key),
                Vec::new(),
                vec![stored.id],
            )
            .await
            {
                Ok(message) => messages.update(|list| {
                    if !list.iter().any(|m| m.id == message.id) {
                        upsert_message(list, message);
                    }
                }),
                Err(err) => error.set(Some(err)),
            }
        });
        on_sent();
    });
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        #[cfg(feature = "hydrate")]
        {
            let picked = crate::ui::files::files_of(ev.clipboard_data().and_then(|d| d.files()));
            if !picked.is_empty() {
                ev.prevent_default();
                attacher.with_value(|a| a.add(picked, i18n));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                let picked = crate::ui::files::files_of(input.files());
                attacher.with_value(|a| a.add(picked, i18n));
                // The same file can be picked again after removing it.
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let remove_file = Callback::new(move |key: u32| {
        #[cfg(feature = "hydrate")]
        attacher.with_value(|a| a.remove(key));
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    });

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            if canned_query.get_untracked().is_some() {
                if let Some(choice) = canned_choices().first().cloned() {
                    insert_canned(choice);
                    return;
                }
            }
            if let Some(choice) = mention_choices(teammates, mention_query).first().cloned() {
                if mention_query.get_untracked().is_some() {
                    insert_mention(text, mentions, mention_query, choice);
                    focus_end(textarea);
                    return;
                }
            }
            send.run(());
        } else if ev.key() == "Escape" {
            mention_query.set(None);
            canned_query.set(None);
            emoji_open.set(false);
        }
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        mention_query.set(if mode.get_untracked() == Mode::Note {
            trailing_mention(&value)
        } else {
            None
        });
        let slash = trailing_slash_command(&value);
        if slash.is_some() && canned.get_untracked().is_none() {
            canned.set(Some(Vec::new()));
            leptos::task::spawn_local(async move {
                if let Ok(list) = list_canned().await {
                    canned.set(Some(list));
                }
            });
        }
        canned_query.set(slash);
        text.set(value);
    };
    let insert_emoji = move |emoji: String| {
        let (start, end) = textarea
            .get_untracked()
            .and_then(|el| Some((el.selection_start().ok()??, el.selection_end().ok()??)))
            .map(|(s, e)| (s as usize, e as usize))
            .unwrap_or_else(|| {
                let len = text.with_untracked(|t| t.encode_utf16().count());
                (len, len)
            });
        let current: Vec<u16> = text.get_untracked().encode_utf16().collect();
        let (start, end) = (start.min(current.len()), end.min(current.len()));
        let mut updated = String::from_utf16_lossy(&current[..start]);
        updated.push_str(&emoji);
        updated.push_str(&String::from_utf16_lossy(&current[end..]));
        let caret = (start + emoji.encode_utf16().count()) as u32;
        text.set(updated);
        emoji_open.set(false);
        if let Some(el) = textarea.get_untracked() {
            request_animation_frame(move || {
                let _ = el.focus();
                let _ = el.set_selection_range(caret, caret);
            });
        }
    };

    view! {
        <form class="composer" class:note=move || mode.get() == Mode::Note on:submit=move |ev| { ev.prevent_default(); send.run(()); }>
            <div class="composer-modes" role="group" aria-label=move || t_string!(i18n, composer_mode)>
                <button type="button" aria-pressed=move || (mode.get() == Mode::Reply).to_string() on:click=move |_| mode.set(Mode::Reply)>
                    {t!(i18n, reply)}
                </button>
                <button type="button" aria-pressed=move || (mode.get() == Mode::Note).to_string() on:click=move |_| mode.set(Mode::Note)>
                    {t!(i18n, private_note)}
                </button>
            </div>
            {move || match window() {
                Some(Window::Open { remaining_ms }) if mode.get() == Mode::Reply => {
                    let (hours, minutes) = hours_minutes(remaining_ms);
                    Some(view! {
                        <p class="window-notice" role="status">{t!(i18n, whatsapp_window_open, hours = hours, minutes = minutes)}</p>
                    }.into_any())
                }
                Some(Window::Closed) if mode.get() == Mode::Reply => Some(view! {
                    <p class="window-notice closed" role="status">{t!(i18n, whatsapp_window_closed)}</p>
                }.into_any()),
                Some(Window::NeverOpened) if mode.get() == Mode::Reply => Some(view! {
                    <p class="window-notice closed" role="status">{t!(i18n, whatsapp_window_never)}</p>
                }.into_any()),
                _ => None,
            }}
            <Show when=template_only>
                <div class="composer-template">
                    <TemplatePicker templates=Signal::derive(move || templates.get_value()) template_id params header_file
                        header_target=Signal::derive(move || Some(UploadTarget::Agent { conversation_id })) errors=template_errors id_prefix="composer" />
                </div>
            </Show>
            <label for=format!("composer-{conversation_id}") class="visually-hidden">{t!(i18n, message_label)}</label>
            <textarea
                hidden=template_only
                id=format!("composer-{conversation_id}")
                node_ref=textarea
                rows="3"
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:paste=on_paste
                placeholder=move || if mode.get() == Mode::Note { t_string!(i18n, note_placeholder) } else { t_string!(i18n, reply_placeholder) }
            ></textarea>
            <Show when=move || mention_query.get().is_some()>
                <ul class="mention-picker" role="listbox" aria-label=move || t_string!(i18n, mention_teammate)>
                    {move || mention_choices(teammates, mention_query)
                        .into_iter()
                        .map(|t| {
                            let choice = t.clone();
                            view! {
                                <li role="option" aria-selected="false">
                                    <button type="button" on:click=move |_| {
                                        insert_mention(text, mentions, mention_query, choice.clone());
                                        focus_end(textarea);
                                    }>
                                        {t.name.clone()}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
            <Show when=move || canned_query.get().is_some() && !canned_choices().is_empty()>
                <ul class="mention-picker canned-picker" role="listbox" aria-label=move || t_string!(i18n, canned_title)>
                    {move || canned_choices()
                        .into_iter()
                        .map(|c| {
                            let choice = c.clone();
                            view! {
                                <li role="option" aria-selected="false">
                                    <button type="button" on:click=move |_| insert_canned(choice.clone())>
                                        <strong>{format!("/{}", c.short_code)}</strong>" "
                                        <span class="muted">{c.content.chars().take(60).collect::<String>()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </Show>
            {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
            <FileTray files=tray on_remove=remove_file />
            {move || file_error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            <Show when=move || waiting.get()>
                <p role="status" class="muted">{t!(i18n, attachments_wait)}</p>
            </Show>
            <div class="composer-actions">
                <Show when=move || !template_only()>
                    <label class="button file-pick" for=format!("attach-{conversation_id}")>{t!(i18n, attach_files)}</label>
                    <input type="file" multiple class="visually-hidden" id=format!("attach-{conversation_id}") on:change=on_pick />
                    <VoiceRecorder target=UploadTarget::Agent { conversation_id } limits on_recorded=send_voice />
                </Show>
                <button type="button" hidden=template_only aria-expanded=move || emoji_open.get().to_string() on:click=move |_| emoji_open.update(|o| *o = !*o)>
                    {t!(i18n, emoji)}
                </button>
                <button type="submit" class="primary">
                    {move || if template_only() { t_string!(i18n, send_template) } else { t_string!(i18n, send) }}
                </button>
            </div>
            <Show when=move || emoji_open.get()>
                <EmojiPicker on_pick=insert_emoji />
            </Show>
        </form>
    }
}

/// The partial name after a trailing `@` ("Hola @Mar" → "Mar").
fn trailing_mention(text: &str) -> Option<String> {
    let at = text.rfind('@')?;
    let before_ok = at == 0 || text[..at].ends_with(char::is_whitespace);
    let query = &text[at + 1..];
    (before_ok && !query.contains('\n') && query.chars().count() <= 30).then(|| query.to_owned())
}

fn mention_choices(
    teammates: StoredValue<Vec<Teammate>>,
    query: RwSignal<Option<String>>,
) -> Vec<Teammate> {
    let Some(query) = query.get() else {
        return Vec::new();
    };
    let query = crate::domain::search_text(&[Some(&query)]);
    teammates
        .get_value()
        .into_iter()
        .filter(|t| crate::domain::search_text(&[Some(&t.name)]).contains(&query))
        .take(8)
        .collect()
}

fn insert_mention(
    text: RwSignal<String>,
    mentions: RwSignal<Vec<Teammate>>,
    query: RwSignal<Option<String>>,
    who: Teammate,
) {
    text.update(|t| {
        if let Some(at) = t.rfind('@') {
            t.truncate(at);
            t.push_str(&format!("@{} ", who.name));
        }
    });
    mentions.update(|m| {
        if !m.iter().any(|x| x.id == who.id) {
            m.push(who);
        }
    });
    query.set(None);
}

/// Back to the composer with the caret at the end (after picking from a popup).
fn focus_end(textarea: NodeRef<leptos::html::Textarea>) {
    if let Some(el) = textarea.get_untracked() {
        request_animation_frame(move || {
            let _ = el.focus();
            let end = el.value().encode_utf16().count() as u32;
            let _ = el.set_selection_range(end, end);
        });
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

fn idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        format!("{:x}-{a:08x}{b:08x}", js_sys::Date::now() as u64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// Drafts live in the browser's localStorage, one per conversation.
pub(super) mod draft {
    #[cfg(feature = "hydrate")]
    fn storage() -> Option<leptos::web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn load(conversation_id: i64) -> Option<String> {
        #[cfg(feature = "hydrate")]
        {
            storage()?
                .get_item(&format!("charla:draft:{conversation_id}"))
                .ok()
                .flatten()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = conversation_id;
            None
        }
    }

    pub fn save(conversation_id: i64, text: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(storage) = storage() {
            let key = format!("charla:draft:{conversation_id}");
            let _ = if text.is_empty() {
                storage.remove_item(&key)
            } else {
                storage.set_item(&key, text)
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (conversation_id, text);
    }
}

#[cfg(test)]
mod tests {
    use super::trailing_mention;

    #[test]
    fn finds_the_mention_being_typed() {
        assert_eq!(trailing_mention("Hola @Mar").as_deref(), Some("Mar"));
        assert_eq!(trailing_mention("@").as_deref(), Some(""));
        assert_eq!(trailing_mention("correo@ejemplo"), None);
        assert_eq!(trailing_mention("sin arroba"), None);
    }
}
