//! A file in a message, for agents and visitors alike: images inline (a button opens
//! them full size), audio and video with players, anything else a download chip.
use leptos::prelude::*;

use crate::conversations::model::{AttachmentKind, AttachmentView};
use crate::domain::attachment::{clock, human_size};
use crate::i18n::*;

#[component]
pub fn AttachmentItem(file: AttachmentView, url: String) -> impl IntoView {
    let i18n = use_i18n();
    let name = file.file_name.clone();
    let size = human_size(file.byte_size.max(0) as u64);
    match file.kind() {
        AttachmentKind::Image => {
            let open = RwSignal::new(false);
            let label = name.clone();
            view! {
                <button type="button" class="attachment-image"
                    aria-label=move || t_string!(i18n, view_image, name = label.clone()).to_string()
                    on:click=move |_| open.set(true)>
                    <img src=url.clone() alt=name.clone() loading="lazy" />
                </button>
                <Show when=move || open.get()>
                    <ImageViewer url=url.clone() name=name.clone() on_close=Callback::new(move |()| open.set(false)) />
                </Show>
            }
            .into_any()
        }
        AttachmentKind::Audio => view! {
            <span class="attachment-audio">
                <audio controls preload="metadata" src=url aria-label=name.clone()></audio>
                {file.duration_ms.map(|ms| view! { <span class="muted">{format!("{} · {}", t_string!(i18n, voice_message), clock(ms))}</span> })}
            </span>
        }
        .into_any(),
        AttachmentKind::Video => view! {
            <video controls preload="metadata" src=url aria-label=name></video>
        }
        .into_any(),
        AttachmentKind::File => view! {
            <a href=url download=name.clone() class="attachment-chip">
                <span>{name.clone()}</span>" "<span class="muted">{size}</span>
                <span class="visually-hidden">{t!(i18n, attachment_download)}</span>
            </a>
        }
        .into_any(),
    }
}

/// The image at full size over the page; Escape or "Cerrar" closes it.
#[component]
fn ImageViewer(url: String, name: String, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="image-viewer" role="dialog" aria-modal="true" aria-label=name.clone()
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }
            on:click=move |_| on_close.run(())>
            <img src=url alt=name.clone() on:click=|ev| ev.stop_propagation() />
            <button type="button" node_ref=close_button on:click=move |_| on_close.run(())>
                {t!(i18n, close_viewer)}
            </button>
        </div>
    }
}
