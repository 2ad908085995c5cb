//! Sending what was written: a reply or note shows as "sending" at once (an
//! optimistic copy) and carries an idempotency key, so a retried request never
//! creates a second message; without network it waits in the offline queue; on any
//! other failure the text and files go back into the composer.
use leptos::prelude::*;

use super::attachments::Files;
use super::state::{now, Mode, Quoting, Writing};
use crate::agents::AgentProfile;
use crate::conversations::model::{MessageView, SenderKind};
use crate::conversations::queue::{OfflineQueue, QueuedReply};
use crate::conversations::send_message;
use crate::conversations::thread::add_if_missing;
use crate::domain::attachment::UploadedFile;
use crate::domain::{DeliveryStatus, MessageBody, MessageDirection};
use crate::error::AppError;
use crate::i18n::*;
#[cfg(feature = "hydrate")]
use crate::ui::files::Attacher;
use crate::ui::files::{tray_state, TrayState};

/// Sends the text and the files in the tray (or holds it while they upload).
pub(super) fn reply_sender(
    conversation_id: i64,
    messages: RwSignal<Vec<MessageView>>,
    writing: Writing,
    files: Files,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> Callback<()> {
    let i18n = use_i18n();
    let me = use_context::<AgentProfile>();
    let me_id = me.as_ref().map(|a| a.id);
    let quoting = use_context::<Quoting>().map(|Quoting(signal)| signal);
    let sending = RwSignal::new(0_u32);
    Callback::new(move |()| {
        let attachments = match tray_state(&files.tray.get_untracked()) {
            TrayState::Ready(ids) => ids,
            TrayState::Uploading => {
                files.waiting.set(true);
                return;
            }
            TrayState::Failed => {
                files
                    .error
                    .set(Some(t_string!(i18n, attachments_failed_first).to_string()));
                return;
            }
        };
        files.waiting.set(false);
        let body = writing.text.get_untracked();
        let body = match MessageBody::parse_beside_files(&body, !attachments.is_empty()) {
            Ok(body) => body.map(|b| b.as_str().to_owned()).unwrap_or_default(),
            Err(code) => {
                writing.error.set(Some(AppError::validation("body", code)));
                return;
            }
        };
        let private = writing.mode.get_untracked() == Mode::Note;
        let mentioned: Vec<i64> = writing
            .mentions
            .get_untracked()
            .into_iter()
            .filter(|t| private && body.contains(&format!("@{}", t.name)))
            .map(|t| t.id)
            .collect();
        let key = idempotency_key();
        let with_files = !attachments.is_empty();
        let quoted = quoting.and_then(|q| q.get_untracked());
        let reply_to = quoted.as_ref().map(|q| q.id);
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
            sender_id: me.as_ref().map(|a| a.id),
            body: body.clone(),
            delivery_status: (!private).then_some(DeliveryStatus::Sending),
            delivery_error: None,
            created_at: now(),
            mentions: Vec::new(),
            extra: None,
            reaction: None,
            reply_to: quoted.clone(),
            attachments: Vec::new(),
        };
        messages.update(|list| list.push(optimistic));
        if let Some(q) = quoting {
            q.set(None);
        }
        writing.text.set(String::new());
        writing.mentions.set(Vec::new());
        writing.error.set(None);
        #[cfg(feature = "hydrate")]
        let sent_files = files.attacher.with_value(|a| a.take());
        on_sent();
        leptos::task::spawn_local(async move {
            let result = send_message(
                conversation_id,
                body.clone(),
                private,
                Some(key.clone()),
                mentioned.clone(),
                attachments,
                reply_to,
                // A tab left open after another agent signed in elsewhere in this
                // browser does not send as her.
                me_id,
            )
            .await;
            messages.update(|list| list.retain(|m| m.id != temp_id));
            match result {
                // No network: the reply waits in the browser and goes, with this key,
                // when the network is back. (Files need the network to be uploaded, so
                // a reply with files goes back to the composer instead.)
                Err(AppError::Transport(_))
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
                            reply_to,
                        });
                    }
                }
                // Live events may already have brought it (and a newer delivery state):
                // the response is only a fallback for a socket that is behind.
                Ok(message) => {
                    #[cfg(feature = "hydrate")]
                    Attacher::release(&sent_files);
                    messages.update(|list| add_if_missing(list, message))
                }
                Err(err) => {
                    // Nothing typed or attached is lost: it all goes back into the composer.
                    if writing.text.get_untracked().is_empty() {
                        writing.text.set(body);
                    }
                    if let (Some(q), Some(quoted)) = (quoting, quoted) {
                        if q.get_untracked().is_none() {
                            q.set(Some(quoted));
                        }
                    }
                    #[cfg(feature = "hydrate")]
                    files.tray.update(|list| {
                        let mut restored = sent_files;
                        restored.append(list);
                        *list = restored;
                    });
                    writing.error.set(Some(err));
                }
            }
        });
    })
}

/// Sends a recorded voice message on its own, as soon as it is stored.
pub(super) fn voice_sender(
    conversation_id: i64,
    messages: RwSignal<Vec<MessageView>>,
    writing: Writing,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> Callback<UploadedFile> {
    let quoting = use_context::<Quoting>().map(|Quoting(signal)| signal);
    Callback::new(move |stored: UploadedFile| {
        let private = writing.mode.get_untracked() == Mode::Note;
        let key = idempotency_key();
        // A voice message answers the quoted one too.
        let reply_to = quoting.and_then(|q| q.get_untracked()).map(|q| q.id);
        if let Some(q) = quoting {
            q.set(None);
        }
        leptos::task::spawn_local(async move {
            match send_message(
                conversation_id,
                String::new(),
                private,
                Some(key),
                Vec::new(),
                vec![stored.id],
                reply_to,
                None,
            )
            .await
            {
                Ok(message) => messages.update(|list| add_if_missing(list, message)),
                Err(err) => writing.error.set(Some(err)),
            }
        });
        on_sent();
    })
}

pub(super) fn idempotency_key() -> String {
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
