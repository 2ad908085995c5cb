//! The WhatsApp template picker: used by Nueva conversación and by the composer once
//! the 24-hour window has closed.
// The header upload only runs in the browser; the server renders the fields.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code, unused_variables))]

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::domain::template::{HeaderMedia, Slot, TemplateView, Unsupported};
use crate::i18n::*;
use crate::ui::files::UploadTarget;

/// Why a listed template cannot be chosen, in the reader's language.
fn unsupported_text(i18n: I18nContext<Locale>, reason: &Unsupported) -> String {
    match reason {
        Unsupported::Header(kind) => {
            t_string!(i18n, template_unsupported_header, kind = kind.clone()).to_string()
        }
        Unsupported::Button(kind) => {
            t_string!(i18n, template_unsupported_button, kind = kind.clone()).to_string()
        }
        Unsupported::Component(kind) => {
            t_string!(i18n, template_unsupported_component, kind = kind.clone()).to_string()
        }
        Unsupported::NoBody => t_string!(i18n, template_unsupported_no_body).to_string(),
    }
}

/// The first template that can be sent: what a picker starts on.
pub fn first_sendable(templates: &[TemplateView]) -> Option<i64> {
    templates.iter().find(|t| t.can_send()).map(|t| t.id)
}

fn header_label(i18n: I18nContext<Locale>, media: HeaderMedia) -> String {
    match media {
        HeaderMedia::Image => t_string!(i18n, template_header_image).to_string(),
        HeaderMedia::Video => t_string!(i18n, template_header_video).to_string(),
        HeaderMedia::Document => t_string!(i18n, template_header_document).to_string(),
    }
}

/// Where the header's file is.
#[derive(Debug, Clone, PartialEq)]
enum HeaderState {
    Empty,
    Uploading(String),
    Stored(String),
    Failed(String),
}

/// Choose an approved template, fill each variable, pick the header's file, see the
/// message as it will arrive.
#[component]
pub fn TemplatePicker(
    templates: Signal<Vec<TemplateView>>,
    template_id: RwSignal<Option<i64>>,
    params: RwSignal<Vec<String>>,
    /// The stored upload for a media header.
    header_file: RwSignal<Option<i64>>,
    /// Where that upload goes (the conversation, or the inbox of a new one).
    header_target: Signal<Option<UploadTarget>>,
    errors: RwSignal<Vec<(String, String)>>,
    /// Keeps element ids unique when two pickers could be on one page.
    id_prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let templates = move || templates.get();
    let template = move || {
        let id = template_id.get()?;
        templates().into_iter().find(|t| t.id == id)
    };
    let header_state = RwSignal::new(HeaderState::Empty);
    // Another template, another header: the file picked for the last one is not sent.
    Effect::new(move |_| {
        template_id.track();
        header_file.set(None);
        header_state.set(HeaderState::Empty);
    });
    let preview = move || {
        template().map(|t| {
            let values = params.get();
            (t.render_header(&values), t.render(&values))
        })
    };
    // One field per value the chosen template needs, labelled by where it goes.
    let slots = move || {
        template()
            .map(|t| t.slots())
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, slot)| (i + 1, slot))
            .collect::<Vec<_>>()
    };
    let media = move || template().and_then(|t| t.header_media);
    let has_error =
        move |name: &'static str| errors.with(|list| list.iter().any(|(f, _)| f == name));
    let header_error = move || {
        errors.with(|list| {
            list.iter()
                .find(|(f, _)| f == "header_file")
                .map(|(_, code)| match code.as_str() {
                    "required" => t_string!(i18n, template_header_required).to_string(),
                    _ => t_string!(i18n, template_header_wrong_type).to_string(),
                })
        })
    };
    let pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let file = crate::ui::files::files_of(input.files()).into_iter().next();
            input.set_value("");
            let (Some(file), Some(media), Some(target)) =
                (file, media(), header_target.get_untracked())
            else {
                return;
            };
            header_file.set(None);
            errors.update(|list| list.retain(|(f, _)| f != "header_file"));
            if !media.accepts(&file.type_()) {
                header_state.set(HeaderState::Empty);
                errors.update(|list| list.push(("header_file".into(), "wrong_type".into())));
                return;
            }
            let name = file.name();
            header_state.set(HeaderState::Uploading(name.clone()));
            let url = target.upload_url(&name, false, None);
            let visitor = target.visitor();
            let chosen = template_id.get_untracked();
            leptos::task::spawn_local(async move {
                let progress = RwSignal::new(0.0);
                let result = crate::ui::files::upload(&url, visitor, &file, progress).await;
                if template_id.get_untracked() != chosen {
                    return;
                }
                match result {
                    Ok(stored) => {
                        header_file.set(Some(stored.id));
                        header_state.set(HeaderState::Stored(stored.file_name));
                    }
                    Err(crate::ui::files::UploadFailure::Refused(refusal)) => header_state.set(
                        HeaderState::Failed(crate::ui::files::refusal_text(i18n, &refusal)),
                    ),
                    Err(crate::ui::files::UploadFailure::Error(_)) => {
                        header_state.set(HeaderState::Failed(
                            t_string!(i18n, upload_failed, name = name).to_string(),
                        ))
                    }
                }
            });
        }
    };
    let header_id = format!("{id_prefix}-header-file");
    let header_status_id = format!("{id_prefix}-header-file-status");
    view! {
        <div class="field">
            <label for=format!("{id_prefix}-template")>{t!(i18n, new_conversation_template)}</label>
            <select id=format!("{id_prefix}-template")
                prop:value=move || template_id.get().map(|id| id.to_string()).unwrap_or_default()
                on:change=move |ev| template_id.set(event_target_value(&ev).parse().ok())>
                {move || templates().into_iter().map(|t| {
                    let label = match &t.unsupported {
                        None => format!("{} ({})", t.name, t.language),
                        Some(reason) => t_string!(i18n, template_unsupported,
                            name = t.name.clone(), language = t.language.clone(),
                            reason = unsupported_text(i18n, reason)).to_string(),
                    };
                    view! { <option value=t.id.to_string() disabled=!t.can_send()>{label}</option> }
                }).collect_view()}
            </select>
            {move || templates().is_empty().then(|| view! { <p class="muted">{t!(i18n, new_conversation_no_templates)}</p> })}
        </div>
        {move || media().map(|m| {
            let id = header_id.clone();
            let status_id = header_status_id.clone();
            view! {
                <div class="field">
                    <label for=id.clone()>{header_label(i18n, m)}</label>
                    <input id=id type="file" accept=m.accept() on:change=pick
                        aria-invalid=move || if has_error("header_file") { "true" } else { "false" }
                        aria-describedby=status_id.clone() />
                    <p id=status_id class="muted" role="status">
                        {move || match header_state.get() {
                            HeaderState::Empty => None,
                            HeaderState::Uploading(name) => Some(t_string!(i18n, template_header_uploading, name = name).to_string()),
                            HeaderState::Stored(name) => Some(t_string!(i18n, template_header_ready, name = name).to_string()),
                            HeaderState::Failed(text) => Some(text),
                        }}
                        " "
                        <span class="error">{header_error}</span>
                    </p>
                </div>
            }
        })}
        <For each=slots key=|(n, slot)| (*n, slot.clone()) let:item>
            {
                let (n, slot) = item;
                let label = match slot {
                    Slot::Body(k) => t_string!(i18n, template_variable, n = k).to_string(),
                    Slot::Header(k) => t_string!(i18n, template_header_variable, n = k).to_string(),
                    Slot::Button { text, .. } => t_string!(i18n, template_button_variable, button = text).to_string(),
                };
                let id = format!("{id_prefix}-param-{n}");
                let field = format!("params.{n}");
                let error_id = format!("{id}-error");
                let field = StoredValue::new(field);
                let missing = move || errors.with(|list| list.iter().any(|(f, _)| field.with_value(|name| f == name)));
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <input id=id type="text"
                            prop:value=move || params.with(|p| p.get(n - 1).cloned().unwrap_or_default())
                            on:input=move |ev| {
                                let value = event_target_value(&ev);
                                params.update(|p| if let Some(slot) = p.get_mut(n - 1) { *slot = value });
                            }
                            aria-invalid=move || if missing() { "true" } else { "false" }
                            aria-describedby=error_id.clone() />
                        <p id=error_id class="field-error error">
                            {move || missing().then(|| t_string!(i18n, error_required))}
                        </p>
                    </div>
                }
            }
        </For>
        <div class="template-preview" role="region" aria-label=move || t_string!(i18n, template_preview) aria-live="polite">
            {move || preview().map(|(header, body)| view! {
                {move || match header_state.get() {
                    HeaderState::Stored(name) => Some(view! { <p class="template-header-file">{t_string!(i18n, template_header_file, name = name)}</p> }),
                    _ => None,
                }}
                {header.map(|h| view! { <p class="template-header"><strong>{h}</strong></p> })}
                <p class="template-body">{body}</p>
            })}
        </div>
    }
}
