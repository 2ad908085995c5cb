//! What an email brings to the chat beyond its text: the customer's own HTML, shown
//! sandboxed on request, and why some of its files were not kept.
use leptos::prelude::*;

use crate::i18n::*;

/// Why a file of a customer's email was not kept, in the reader's language.
pub(super) fn dropped_file_text(
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

/// A customer's email as it was written, sanitised on arrival and shown in a fully
/// sandboxed frame (no scripts, no same-origin); remote images stay blocked by the
/// frame's own Content-Security-Policy until the agent asks for them.
#[component]
pub(super) fn EmailHtml(html: String) -> impl IntoView {
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
