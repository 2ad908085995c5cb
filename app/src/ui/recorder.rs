//! "Grabar audio" (S6): records from the microphone with MediaRecorder, shows a timer,
//! stops by itself at the configured maximum, and lets the author listen back before
//! sending or throw the recording away (nothing is uploaded until "Enviar").
// Most of this only runs in the browser; the server renders the tray and buttons.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code))]

use leptos::prelude::*;

use super::files::UploadTarget;
use super::icons::{Icon, IconKind};
use crate::domain::attachment::{clock, UploadLimits, UploadedFile};
use crate::i18n::*;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Starting,
    Recording,
    Recorded { url: String, duration_ms: i64 },
    Sending,
}

#[component]
pub fn VoiceRecorder(
    target: UploadTarget,
    limits: UploadLimits,
    /// Called with the stored voice message; the parent sends it.
    on_recorded: Callback<UploadedFile>,
) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(Phase::Idle);
    let elapsed_ms = RwSignal::new(0_i64);
    let error = RwSignal::new(None::<String>);
    let max_ms = i64::from(limits.voice_max_seconds) * 1000;
    #[cfg(feature = "hydrate")]
    let session = StoredValue::new_local(None::<browser::Session>);
    #[cfg(feature = "hydrate")]
    let recorded = StoredValue::new_local(None::<web_sys::Blob>);
    let target = StoredValue::new(target);

    let start = move |_| {
        error.set(None);
        phase.set(Phase::Starting);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let on_stopped = move |blob: Option<web_sys::Blob>, duration_ms: i64| {
                // Not now: this runs inside the session's own stop handler.
                leptos::task::spawn_local(async move { session.set_value(None) });
                match blob {
                    Some(blob) if duration_ms > 0 => {
                        let url =
                            web_sys::Url::create_object_url_with_blob(&blob).unwrap_or_default();
                        recorded.set_value(Some(blob));
                        phase.set(Phase::Recorded { url, duration_ms });
                    }
                    _ => phase.set(Phase::Idle),
                }
            };
            match browser::Session::start(max_ms, elapsed_ms, on_stopped).await {
                Ok(started) => {
                    session.set_value(Some(started));
                    phase.set(Phase::Recording);
                }
                Err(problem) => {
                    phase.set(Phase::Idle);
                    error.set(Some(
                        match problem {
                            browser::MicProblem::Denied => t_string!(i18n, mic_denied),
                            browser::MicProblem::Missing => t_string!(i18n, mic_missing),
                            browser::MicProblem::Unsupported => t_string!(i18n, mic_unsupported),
                        }
                        .to_string(),
                    ));
                }
            }
        });
    };
    let stop = move |_| {
        #[cfg(feature = "hydrate")]
        session.with_value(|s| {
            if let Some(s) = s {
                s.stop(true);
            }
        });
    };
    let cancel = move |_| {
        #[cfg(feature = "hydrate")]
        {
            session.with_value(|s| {
                if let Some(s) = s {
                    s.stop(false);
                }
            });
            recorded.set_value(None);
        }
        if let Phase::Recorded { url, .. } = phase.get_untracked() {
            #[cfg(feature = "hydrate")]
            let _ = web_sys::Url::revoke_object_url(&url);
            #[cfg(not(feature = "hydrate"))]
            let _ = url;
        }
        elapsed_ms.set(0);
        phase.set(Phase::Idle);
    };
    let send = move |_| {
        let Phase::Recorded { url, duration_ms } = phase.get_untracked() else {
            return;
        };
        phase.set(Phase::Sending);
        #[cfg(feature = "hydrate")]
        {
            let Some(blob) = recorded.get_value() else {
                return;
            };
            let extension = if blob.type_().contains("mp4") {
                "m4a"
            } else {
                "webm"
            };
            let name = format!("nota-de-voz.{extension}");
            let (address, visitor) =
                target.with_value(|t| (t.upload_url(&name, true, Some(duration_ms)), t.visitor()));
            leptos::task::spawn_local(async move {
                let progress = RwSignal::new(0.0);
                match super::files::upload(&address, visitor, &blob, progress).await {
                    Ok(stored) => {
                        let _ = web_sys::Url::revoke_object_url(&url);
                        recorded.set_value(None);
                        elapsed_ms.set(0);
                        phase.set(Phase::Idle);
                        on_recorded.run(stored);
                    }
                    Err(failure) => {
                        phase.set(Phase::Recorded { url, duration_ms });
                        error.set(Some(match failure {
                            super::files::UploadFailure::Refused(refusal) => {
                                super::files::refusal_text(i18n, &refusal)
                            }
                            super::files::UploadFailure::Error(_) => t_string!(
                                i18n,
                                upload_failed,
                                name = t_string!(i18n, voice_message).to_string()
                            )
                            .to_string(),
                        }));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (url, duration_ms, target, on_recorded);
    };

    view! {
        <div class="voice-recorder">
            {move || match phase.get() {
                Phase::Idle | Phase::Starting => view! {
                    <button type="button" class="icon-button" disabled=move || phase.get() == Phase::Starting on:click=start
                        aria-label=move || t_string!(i18n, record_audio) data-tip=move || t_string!(i18n, record_audio)>
                        <Icon kind=IconKind::Microphone />
                    </button>
                }.into_any(),
                Phase::Recording => view! {
                    <span role="status" class="recording">
                        <span class="recording-dot" aria-hidden="true"></span>
                        {move || t_string!(i18n, recording_status, time = clock(elapsed_ms.get()), max = clock(max_ms)).to_string()}
                    </span>
                    <button type="button" on:click=stop>{t!(i18n, recording_stop)}</button>
                    <button type="button" on:click=cancel>{t!(i18n, recording_cancel)}</button>
                }.into_any(),
                Phase::Recorded { url, duration_ms } => view! {
                    <audio controls src=url aria-label=move || t_string!(i18n, recording_preview)></audio>
                    <span>{t_string!(i18n, recording_ready, time = clock(duration_ms)).to_string()}</span>
                    <button type="button" class="primary" on:click=send>{t!(i18n, recording_send)}</button>
                    <button type="button" on:click=cancel>{t!(i18n, recording_cancel)}</button>
                }.into_any(),
                Phase::Sending => view! {
                    <span role="status">{t!(i18n, attachment_uploading, name = t_string!(i18n, voice_message).to_string())}</span>
                }.into_any(),
            }}
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    pub enum MicProblem {
        Denied,
        Missing,
        Unsupported,
    }

    /// A recording in progress: the recorder, the microphone, the timer.
    pub struct Session {
        recorder: web_sys::MediaRecorder,
        stream: web_sys::MediaStream,
        keep: Rc<RefCell<bool>>,
        timer: Option<leptos::prelude::IntervalHandle>,
        // Kept alive as long as the recorder may call them.
        _on_data: Closure<dyn FnMut(web_sys::BlobEvent)>,
        _on_stop: Closure<dyn FnMut(web_sys::Event)>,
    }

    impl Session {
        pub async fn start(
            max_ms: i64,
            elapsed_ms: RwSignal<i64>,
            on_stopped: impl Fn(Option<web_sys::Blob>, i64) + 'static,
        ) -> Result<Session, MicProblem> {
            let devices = window()
                .navigator()
                .media_devices()
                .map_err(|_| MicProblem::Unsupported)?;
            let constraints = web_sys::MediaStreamConstraints::new();
            constraints.set_audio(&JsValue::TRUE);
            let promise = devices
                .get_user_media_with_constraints(&constraints)
                .map_err(|_| MicProblem::Unsupported)?;
            let stream: web_sys::MediaStream = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .map_err(
                    |err| match err.dyn_ref::<web_sys::DomException>().map(|e| e.name()) {
                        Some(name) if name == "NotFoundError" || name == "OverconstrainedError" => {
                            MicProblem::Missing
                        }
                        Some(name) if name == "NotSupportedError" => MicProblem::Unsupported,
                        _ => MicProblem::Denied,
                    },
                )?
                .unchecked_into();
            let options = web_sys::MediaRecorderOptions::new();
            // Opus in WebM (Chromium, Firefox) is remuxed to OGG on the server; Safari's
            // MP4/AAC is kept as it is.
            for mime in [
                "audio/webm;codecs=opus",
                "audio/ogg;codecs=opus",
                "audio/mp4",
            ] {
                if web_sys::MediaRecorder::is_type_supported(mime) {
                    options.set_mime_type(mime);
                    break;
                }
            }
            let recorder =
                web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(
                    &stream, &options,
                )
                .map_err(|_| MicProblem::Unsupported)?;
            let chunks: Rc<RefCell<Vec<web_sys::Blob>>> = Rc::default();
            let keep = Rc::new(RefCell::new(true));
            let started = js_sys::Date::now();
            let on_data = {
                let chunks = chunks.clone();
                Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |ev: web_sys::BlobEvent| {
                    if let Some(data) = ev.data() {
                        chunks.borrow_mut().push(data);
                    }
                })
            };
            let on_stop = {
                let chunks = chunks.clone();
                let keep = keep.clone();
                let recorder = recorder.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    let duration = (js_sys::Date::now() - started) as i64;
                    if !*keep.borrow() {
                        on_stopped(None, 0);
                        return;
                    }
                    let parts = js_sys::Array::new();
                    for chunk in chunks.borrow().iter() {
                        parts.push(chunk);
                    }
                    let bag = web_sys::BlobPropertyBag::new();
                    bag.set_type(&recorder.mime_type());
                    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&parts, &bag).ok();
                    on_stopped(blob, duration);
                })
            };
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
            recorder.start().map_err(|_| MicProblem::Unsupported)?;
            elapsed_ms.set(0);
            let timer_recorder = recorder.clone();
            let timer_stream = stream.clone();
            let timer = set_interval_with_handle(
                move || {
                    let now = (js_sys::Date::now() - started) as i64;
                    elapsed_ms.set(now);
                    if now >= max_ms && timer_recorder.state() == web_sys::RecordingState::Recording
                    {
                        let _ = timer_recorder.stop();
                        stop_tracks(&timer_stream);
                    }
                },
                std::time::Duration::from_millis(250),
            )
            .ok();
            Ok(Session {
                recorder,
                stream,
                keep,
                timer,
                _on_data: on_data,
                _on_stop: on_stop,
            })
        }

        /// Stops recording; `keep: false` throws the audio away (cancel).
        pub fn stop(&self, keep: bool) {
            *self.keep.borrow_mut() = keep;
            if self.recorder.state() != web_sys::RecordingState::Inactive {
                let _ = self.recorder.stop();
            }
            stop_tracks(&self.stream);
        }
    }

    impl Drop for Session {
        fn drop(&mut self) {
            if let Some(timer) = self.timer.take() {
                timer.clear();
            }
            stop_tracks(&self.stream);
        }
    }

    /// Turns the microphone off (the browser's recording indicator goes away).
    fn stop_tracks(stream: &web_sys::MediaStream) {
        for track in stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}
