//! The composer's form and its parts put together: Responder / Nota privada, Enter
//! sends and Shift+Enter breaks the line, the text kept as a draft while written.
use leptos::prelude::*;

use super::attachments::{AttachButtons, FileNotices, Files};
use super::canned::{Canned, CannedPicker};
use super::emoji::insert_emoji;
use super::mentions::{insert_mention, mention_choices, trailing_mention, MentionPicker};
use super::send::{reply_sender, voice_sender};
use super::state::{focus_end, Mode, Quoting, Writing};
use super::template::{TemplateArea, TemplateChoice};
use super::typing::{announce, TypingNote};
use super::window::{window_clock, WindowNotice};
use crate::conversations::draft;
use crate::conversations::model::{MessageView, Teammate, WhatsAppComposer};
use crate::domain::attachment::UploadLimits;
use crate::domain::ChannelKind;
use crate::emoji::EmojiPicker;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::icons::{Icon, IconKind};

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
    let files = Files::new(conversation_id, channel, limits, drop_files);
    let window = window_clock(whatsapp.as_ref(), last_inbound);
    let template = TemplateChoice::new(whatsapp.map(|w| w.templates).unwrap_or_default());
    let writing = Writing::new();
    let Writing {
        mode,
        text,
        error,
        textarea,
        ..
    } = writing;
    let typed = announce(conversation_id, text, mode);
    let quoting = use_context::<Quoting>();
    let quoting_now = move || quoting.is_some_and(|Quoting(q)| q.with(Option::is_some));
    let mention_query = RwSignal::new(None::<String>);
    let emoji_open = RwSignal::new(false);
    let teammates = StoredValue::new(teammates);
    let canned = Canned::new(variables);

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
    let send_reply = reply_sender(conversation_id, messages, writing, files, on_sent);
    let send = Callback::new(move |()| {
        if template_only() {
            template.send(conversation_id, messages, error, on_sent);
            return;
        }
        send_reply.run(());
    });
    files.send_when_stored(send);
    let send_voice = voice_sender(conversation_id, messages, writing, on_sent);

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            if canned.query.get_untracked().is_some() {
                if let Some(choice) = canned.choices().first().cloned() {
                    canned.insert(choice, writing);
                    return;
                }
            }
            if let Some(choice) = mention_choices(teammates, mention_query).first().cloned() {
                if mention_query.get_untracked().is_some() {
                    insert_mention(writing, mention_query, choice);
                    focus_end(textarea);
                    return;
                }
            }
            send.run(());
        } else if ev.key() == "Escape" {
            mention_query.set(None);
            canned.query.set(None);
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
        canned.follow(&value);
        typed();
        text.set(value);
    };
    let on_paste = files.on_paste();

    view! {
        <form class="composer" class:note=move || mode.get() == Mode::Note on:submit=move |ev| { ev.prevent_default(); send.run(()); }>
            <div class="composer-modes" role="group" aria-label=move || t_string!(i18n, composer_mode)>
                <button type="button" data-shortcut="reply" aria-pressed=move || (mode.get() == Mode::Reply).to_string() on:click=move |_| mode.set(Mode::Reply)>
                    {t!(i18n, reply)}
                </button>
                <button type="button" data-shortcut="note" aria-pressed=move || (mode.get() == Mode::Note).to_string() on:click=move |_| mode.set(Mode::Note)>
                    {t!(i18n, private_note)}
                </button>
            </div>
            <TypingNote conversation_id />
            <WindowNotice window mode />
            <Show when=template_only>
                <TemplateArea choice=template conversation_id />
            </Show>
            <Show when=move || !template_only()>
                <QuoteBar conversation_id textarea />
            </Show>
            <label for=format!("composer-{conversation_id}") class="visually-hidden">{t!(i18n, message_label)}</label>
            <textarea
                hidden=template_only
                id=format!("composer-{conversation_id}")
                aria-describedby=move || quoting_now().then(|| format!("quoting-{conversation_id}"))
                node_ref=textarea
                rows="3"
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:paste=on_paste
                placeholder=move || if mode.get() == Mode::Note { t_string!(i18n, note_placeholder) } else { t_string!(i18n, reply_placeholder) }
            ></textarea>
            <MentionPicker teammates query=mention_query writing />
            <CannedPicker canned writing />
            {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
            <FileNotices files />
            <div class="composer-actions">
                <Show when=move || !template_only()>
                    <AttachButtons conversation_id limits files on_recorded=send_voice />
                </Show>
                <button type="button" class="icon-button" data-shortcut="emoji" hidden=template_only aria-expanded=move || emoji_open.get().to_string() on:click=move |_| emoji_open.update(|o| *o = !*o)
                    aria-label=move || t_string!(i18n, emoji) data-tip=move || t_string!(i18n, emoji)>
                    <Icon kind=IconKind::Smile />
                </button>
                <button type="submit" class="primary">
                    {move || if template_only() { t_string!(i18n, send_template) } else { t_string!(i18n, send) }}
                </button>
            </div>
            <Show when=move || emoji_open.get()>
                <EmojiPicker on_pick=move |emoji| insert_emoji(writing, emoji_open, emoji) />
            </Show>
        </form>
    }
}

/// The quoted message above the text box (which it describes), with the way to drop
/// it; dropping it puts the focus back in the text box.
#[component]
fn QuoteBar(conversation_id: i64, textarea: NodeRef<leptos::html::Textarea>) -> impl IntoView {
    let i18n = use_i18n();
    let quoting = use_context::<Quoting>();
    move || {
        let Quoting(signal) = quoting?;
        signal.get().map(|quoted| {
            let excerpt = if quoted.excerpt.is_empty() {
                t_string!(i18n, message_reply_to_file).to_string()
            } else {
                quoted.excerpt
            };
            view! {
                <p class="quoting" id=format!("quoting-{conversation_id}")>
                    <span class="muted">{t!(i18n, composer_quoting)}</span>" "
                    <q>{excerpt}</q>" "
                    <button type="button" class="link" on:click=move |_| {
                        signal.set(None);
                        focus_end(textarea);
                    }>
                        {t!(i18n, composer_quote_remove)}
                    </button>
                </p>
            }
        })
    }
}
