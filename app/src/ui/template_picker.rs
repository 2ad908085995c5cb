//! The WhatsApp template picker: used by Nueva conversación and by the composer once
//! the 24-hour window has closed.
use leptos::prelude::*;

use crate::domain::template::{Slot, TemplateView};
use crate::i18n::*;

/// Choose an approved template, fill each `{{n}}`, see the message as it will arrive.
#[component]
pub fn TemplatePicker(
    templates: Signal<Vec<TemplateView>>,
    template_id: RwSignal<Option<i64>>,
    params: RwSignal<Vec<String>>,
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
    view! {
        <div class="field">
            <label for=format!("{id_prefix}-template")>{t!(i18n, new_conversation_template)}</label>
            <select id=format!("{id_prefix}-template")
                prop:value=move || template_id.get().map(|id| id.to_string()).unwrap_or_default()
                on:change=move |ev| template_id.set(event_target_value(&ev).parse().ok())>
                {move || templates().into_iter().map(|t| {
                    let label = format!("{} ({})", t.name, t.language);
                    view! { <option value=t.id.to_string()>{label}</option> }
                }).collect_view()}
            </select>
            {move || templates().is_empty().then(|| view! { <p class="muted">{t!(i18n, new_conversation_no_templates)}</p> })}
        </div>
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
                {header.map(|h| view! { <p class="template-header"><strong>{h}</strong></p> })}
                <p class="template-body">{body}</p>
            })}
        </div>
    }
}
