//! Files on their way into a message, shared by the agents' composer and the visitors'
//! widget: each file uploads on its own (XMLHttpRequest, for the progress events) as
//! soon as it is picked, dropped or pasted; the tray shows a thumbnail or a chip with
//! a progress bar and a remove button; the message goes once every file is stored.
// Most of this only runs in the browser; the server renders the tray and buttons.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use leptos::prelude::*;

use crate::domain::attachment::{human_size, FileRefusal, UploadLimits, UploadedFile};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::i18n::*;

mod refusal;
mod target;

pub use refusal::refusal_text;
pub use target::UploadTarget;

#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    Uploading,
    Stored(UploadedFile),
    Failed(String),
}

/// One file in the tray.
#[derive(Debug, Clone)]
pub struct PendingFile {
    pub key: u32,
    pub name: String,
    pub size: u64,
    /// An object URL for an image's thumbnail.
    pub preview: Option<String>,
    pub progress: RwSignal<f64>,
    pub state: RwSignal<FileState>,
}

/// Why an upload did not store a file.
#[derive(Debug, Clone)]
pub enum UploadFailure {
    Refused(FileRefusal),
    Error(AppError),
}

/// Everything needed to add files to a tray.
#[derive(Debug, Clone)]
pub struct Attacher {
    pub target: UploadTarget,
    pub channel: ChannelKind,
    pub limits: UploadLimits,
    pub files: RwSignal<Vec<PendingFile>>,
    /// Refusals found before uploading (they never enter the tray).
    pub error: RwSignal<Option<String>>,
}

impl Attacher {
    pub fn new(target: UploadTarget, channel: ChannelKind, limits: UploadLimits) -> Self {
        Attacher {
            target,
            channel,
            limits,
            files: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
        }
    }

    /// Whether every file in the tray has finished uploading (tracked).
    pub fn settled(&self) -> bool {
        self.files.with(|list| {
            list.iter()
                .all(|f| !matches!(f.state.get(), FileState::Uploading))
        })
    }
}

/// The ids of stored files, or why the message cannot go yet.
pub enum TrayState {
    Ready(Vec<i64>),
    Uploading,
    Failed,
}

pub fn tray_state(files: &[PendingFile]) -> TrayState {
    let mut ids = Vec::new();
    for file in files {
        match file.state.get_untracked() {
            FileState::Stored(stored) => ids.push(stored.id),
            FileState::Uploading => return TrayState::Uploading,
            FileState::Failed(_) => return TrayState::Failed,
        }
    }
    TrayState::Ready(ids)
}

/// The files waiting to go, each with its progress and a remove button.
#[component]
pub fn FileTray(files: RwSignal<Vec<PendingFile>>, on_remove: Callback<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || files.with(|f| !f.is_empty())>
            <ul class="file-tray" aria-label=move || t_string!(i18n, attachments_pending)>
                <For each=move || files.get() key=|f| f.key let:file>
                    {
                        let name = file.name.clone();
                        let label_name = name.clone();
                        let remove_name = name.clone();
                        let key = file.key;
                        let progress = file.progress;
                        let state = file.state;
                        view! {
                            <li class="file-tray-item" class:failed=move || matches!(state.get(), FileState::Failed(_))>
                                {file.preview.clone().map(|src| view! { <img src=src alt="" class="file-thumb" /> })}
                                <span class="file-name">{name.clone()}</span>
                                <span class="muted">{human_size(file.size)}</span>
                                {move || match state.get() {
                                    FileState::Uploading => view! {
                                        <progress max="1" value=move || progress.get()
                                            aria-label=t_string!(i18n, attachment_uploading, name = label_name.clone()).to_string()></progress>
                                    }.into_any(),
                                    FileState::Stored(_) => view! { <span class="file-ready">{t!(i18n, attachment_ready)}</span> }.into_any(),
                                    FileState::Failed(message) => view! { <span role="alert" class="error">{message}</span> }.into_any(),
                                }}
                                <button type="button" class="file-remove"
                                    aria-label=t_string!(i18n, attachment_remove, name = remove_name.clone()).to_string()
                                    on:click=move |_| on_remove.run(key)>
                                    "×"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::domain::attachment::{check_early, MAX_FILES};
    use crate::wire::VISITOR_HEADER;
    use futures::channel::oneshot;
    use leptos_i18n::I18nContext;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// The files of a `FileList` (input, drop, paste).
    pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
        let Some(list) = list else {
            return Vec::new();
        };
        (0..list.length()).filter_map(|i| list.get(i)).collect()
    }

    impl Attacher {
        /// Checks each file early, puts it in the tray and starts its upload.
        pub fn add(&self, picked: Vec<web_sys::File>, i18n: I18nContext<Locale>) {
            let mut refusals = Vec::new();
            for file in picked {
                if self.files.with_untracked(Vec::len) >= MAX_FILES {
                    refusals.push(refusal_text(i18n, &FileRefusal::TooMany { max: MAX_FILES }));
                    break;
                }
                let name = file.name();
                let size = file.size() as u64;
                if let Err(refusal) =
                    check_early(&self.limits, self.channel, &name, size, &file.type_())
                {
                    refusals.push(refusal_text(i18n, &refusal));
                    continue;
                }
                let preview = file
                    .type_()
                    .starts_with("image/")
                    .then(|| web_sys::Url::create_object_url_with_blob(&file).ok())
                    .flatten();
                let pending = PendingFile {
                    key: next_key(),
                    name: name.clone(),
                    size,
                    preview,
                    progress: RwSignal::new(0.0),
                    state: RwSignal::new(FileState::Uploading),
                };
                self.files.update(|list| list.push(pending.clone()));
                let url = self.target.upload_url(&name, false, None);
                let files = self.files;
                let target = self.target.clone();
                leptos::task::spawn_local(async move {
                    let result = upload(&url, target.visitor(), &file, pending.progress).await;
                    let still_there =
                        files.with_untracked(|l| l.iter().any(|f| f.key == pending.key));
                    match result {
                        Ok(stored) if still_there => pending.state.set(FileState::Stored(stored)),
                        // Removed while uploading: the stored file goes too.
                        Ok(stored) => discard(&target.discard_url(stored.id), target.visitor()),
                        Err(UploadFailure::Refused(refusal)) => pending
                            .state
                            .set(FileState::Failed(refusal_text(i18n, &refusal))),
                        Err(UploadFailure::Error(AppError::Transport(_))) => {
                            pending.state.set(FileState::Failed(
                                t_string!(i18n, upload_failed, name = name.clone()).to_string(),
                            ))
                        }
                        Err(UploadFailure::Error(err)) => pending
                            .state
                            .set(FileState::Failed(crate::ui::error_text(i18n, &err))),
                    }
                });
            }
            self.error
                .set((!refusals.is_empty()).then(|| refusals.join(" ")));
        }

        /// Takes a file out of the tray (and out of storage, if it got there).
        pub fn remove(&self, key: u32) {
            let mut removed = None;
            self.files.update(|list| {
                if let Some(at) = list.iter().position(|f| f.key == key) {
                    removed = Some(list.remove(at));
                }
            });
            if let Some(file) = removed {
                if let Some(url) = &file.preview {
                    let _ = web_sys::Url::revoke_object_url(url);
                }
                if let FileState::Stored(stored) = file.state.get_untracked() {
                    discard(&self.target.discard_url(stored.id), self.target.visitor());
                }
            }
        }

        /// Empties the tray as the message goes; the files come back if it fails.
        pub fn take(&self) -> Vec<PendingFile> {
            self.error.set(None);
            self.files.try_update(std::mem::take).unwrap_or_default()
        }

        /// After the message went: the thumbnails' object URLs are freed.
        pub fn release(files: &[PendingFile]) {
            for file in files {
                if let Some(url) = &file.preview {
                    let _ = web_sys::Url::revoke_object_url(url);
                }
            }
        }
    }

    fn next_key() -> u32 {
        thread_local! {
            static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
        }
        NEXT.with(|n| {
            let key = n.get();
            n.set(key + 1);
            key
        })
    }

    fn discard(url: &str, visitor: Option<String>) {
        if let Ok(xhr) = web_sys::XmlHttpRequest::new() {
            if xhr.open("POST", url).is_ok() {
                if let Some(visitor) = visitor {
                    let _ = xhr.set_request_header(VISITOR_HEADER, &visitor);
                }
                let _ = xhr.send();
            }
        }
    }

    /// POSTs a file as the raw body, reporting progress (0..1) as it goes.
    pub async fn upload(
        url: &str,
        visitor: Option<String>,
        blob: &web_sys::Blob,
        progress: RwSignal<f64>,
    ) -> Result<UploadedFile, UploadFailure> {
        let transport = |what: &str| UploadFailure::Error(AppError::Transport(what.to_owned()));
        let xhr = web_sys::XmlHttpRequest::new().map_err(|_| transport("no XMLHttpRequest"))?;
        xhr.open("POST", url).map_err(|_| transport("open"))?;
        if let Some(visitor) = visitor {
            xhr.set_request_header(VISITOR_HEADER, &visitor)
                .map_err(|_| transport("header"))?;
        }
        let (done_tx, done_rx) = oneshot::channel::<bool>();
        let done_tx = std::rc::Rc::new(std::cell::RefCell::new(Some(done_tx)));
        let finish = |ok: bool| {
            let done = done_tx.clone();
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |_| {
                if let Some(tx) = done.borrow_mut().take() {
                    let _ = tx.send(ok);
                }
            })
        };
        let on_load = finish(true);
        let on_error = finish(false);
        let on_abort = finish(false);
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    progress.set(ev.loaded() / ev.total());
                }
            });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        xhr.send_with_opt_blob(Some(blob))
            .map_err(|_| transport("send"))?;
        let loaded = done_rx.await.unwrap_or(false);
        // The closures must outlive the request; they go now.
        drop((on_load, on_error, on_abort, on_progress));
        if !loaded {
            return Err(transport("network"));
        }
        let status = xhr.status().unwrap_or(0);
        let text = xhr.response_text().ok().flatten().unwrap_or_default();
        match status {
            201 | 200 => {
                progress.set(1.0);
                serde_json::from_str(&text).map_err(|_| transport("bad answer"))
            }
            422 => match serde_json::from_str::<FileRefusal>(&text) {
                Ok(refusal) => Err(UploadFailure::Refused(refusal)),
                Err(_) => Err(UploadFailure::Error(
                    serde_json::from_str(&text).unwrap_or(AppError::Internal),
                )),
            },
            _ => Err(UploadFailure::Error(
                serde_json::from_str(&text).unwrap_or(AppError::Internal),
            )),
        }
    }
}

#[cfg(test)]
mod tests;
