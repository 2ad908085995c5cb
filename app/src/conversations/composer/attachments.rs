//! Files in the composer: picked, pasted, or dropped anywhere on the conversation,
//! shown in the tray while they upload, and a voice message recorded on the spot. A
//! reply sent while files still upload is held until they are stored.
use leptos::prelude::*;

use crate::domain::attachment::{UploadLimits, UploadedFile};
use crate::domain::ChannelKind;
use crate::i18n::*;
use crate::ui::files::{Attacher, FileTray, PendingFile, UploadTarget};
use crate::ui::icons::{Icon, IconKind};
use crate::ui::recorder::VoiceRecorder;

#[derive(Clone, Copy)]
pub(super) struct Files {
    pub attacher: StoredValue<Attacher>,
    pub tray: RwSignal<Vec<PendingFile>>,
    /// Refusals found before uploading.
    pub error: RwSignal<Option<String>>,
    /// Send pressed while files were still uploading: it goes when they are stored.
    pub waiting: RwSignal<bool>,
}

impl Files {
    pub fn new(
        conversation_id: i64,
        channel: ChannelKind,
        limits: UploadLimits,
        drop_files: RwSignal<Option<Callback<leptos::ev::DragEvent>>>,
    ) -> Files {
        let attacher = Attacher::new(UploadTarget::Agent { conversation_id }, channel, limits);
        let tray = attacher.files;
        let error = attacher.error;
        let waiting = RwSignal::new(false);
        let attacher = StoredValue::new(attacher);
        #[cfg(feature = "hydrate")]
        {
            let i18n = use_i18n();
            drop_files.set(Some(Callback::new(move |ev: leptos::ev::DragEvent| {
                let picked =
                    crate::ui::files::files_of(ev.data_transfer().and_then(|dt| dt.files()));
                attacher.with_value(|a| a.add(picked, i18n));
            })));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = drop_files;
        Files {
            attacher,
            tray,
            error,
            waiting,
        }
    }

    /// The message held back for uploads goes as soon as they are all stored.
    pub fn send_when_stored(self, send: Callback<()>) {
        Effect::new(move |_| {
            if self.waiting.get() && self.attacher.with_value(|a| a.settled()) {
                self.waiting.set(false);
                send.run(());
            }
        });
    }

    /// Files pasted into the text field join the tray; pasted text stays text.
    pub fn on_paste(self) -> impl Fn(leptos::ev::ClipboardEvent) + Copy + 'static {
        #[cfg(feature = "hydrate")]
        let i18n = use_i18n();
        move |ev: leptos::ev::ClipboardEvent| {
            #[cfg(feature = "hydrate")]
            {
                let picked =
                    crate::ui::files::files_of(ev.clipboard_data().and_then(|d| d.files()));
                if !picked.is_empty() {
                    ev.prevent_default();
                    self.attacher.with_value(|a| a.add(picked, i18n));
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, self);
        }
    }
}

/// The tray, what was refused, and the notice that a reply waits for its files.
#[component]
pub(super) fn FileNotices(files: Files) -> impl IntoView {
    let i18n = use_i18n();
    let remove_file = Callback::new(move |key: u32| {
        #[cfg(feature = "hydrate")]
        files.attacher.with_value(|a| a.remove(key));
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    });
    view! {
        <FileTray files=files.tray on_remove=remove_file />
        {move || files.error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        <Show when=move || files.waiting.get()>
            <p role="status" class="muted">{t!(i18n, attachments_wait)}</p>
        </Show>
    }
}

/// "Adjuntar archivos" and the voice recorder.
#[component]
pub(super) fn AttachButtons(
    conversation_id: i64,
    limits: UploadLimits,
    files: Files,
    on_recorded: Callback<UploadedFile>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                let picked = crate::ui::files::files_of(input.files());
                files.attacher.with_value(|a| a.add(picked, i18n));
                // The same file can be picked again after removing it.
                input.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, files);
    };
    view! {
        <label class="button icon-button file-pick" for=format!("attach-{conversation_id}") data-tip=move || t_string!(i18n, attach_files)>
            <Icon kind=IconKind::Attach />
            <span class="visually-hidden">{t!(i18n, attach_files)}</span>
        </label>
        <input type="file" multiple class="visually-hidden" id=format!("attach-{conversation_id}") on:change=on_pick />
        <VoiceRecorder target=UploadTarget::Agent { conversation_id } limits on_recorded />
    }
}
