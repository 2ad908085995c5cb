//! Atributos: a contact's or a conversation's custom attributes as a form, one labelled
//! field per attribute of its kind (typed as the attribute is), checked here by the same
//! rules the server applies, saved with one button. Values an API client set under keys
//! nobody defined are listed below it, read only.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;

use super::api::list_attributes;
use super::model::values::{day_of, shown};
use super::model::{AttributeDefinition, AttributeModel, AttributeType, AttributeValues};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use leptos_i18n::I18nContext;

/// Stores the values given (merged over the current ones) and answers all of them.
pub type SaveValues = Arc<
    dyn Fn(AttributeValues) -> Pin<Box<dyn Future<Output = Result<AttributeValues, AppError>>>>
        + Send
        + Sync,
>;

/// A [`SaveValues`] from a server function's call.
pub fn saver<F, Fut>(call: F) -> SaveValues
where
    F: Fn(AttributeValues) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AttributeValues, AppError>> + 'static,
{
    Arc::new(
        move |values| -> Pin<Box<dyn Future<Output = Result<AttributeValues, AppError>>>> {
            Box::pin(call(values))
        },
    )
}

#[component]
pub fn AttributesEditor(
    model: AttributeModel,
    initial: AttributeValues,
    save: SaveValues,
) -> impl IntoView {
    let i18n = use_i18n();
    let definitions = RwSignal::new(Vec::<AttributeDefinition>::new());
    let values = RwSignal::new(initial);
    let status = RwSignal::new(None::<Result<(), String>>);
    // Effects run only in the browser: the list is fetched after the page is interactive.
    let load_failed = RwSignal::new(false);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match list_attributes(Some(model)).await {
                Ok(found) => definitions.set(found),
                Err(_) => load_failed.set(true),
            }
        });
    });
    // The attribute a refusal names: its field is marked invalid.
    let refused = RwSignal::new(None::<String>);
    // What the agent typed, by key, until saved.
    let typed = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let current = move |key: &str| {
        typed
            .with(|t| t.get(key).cloned())
            .unwrap_or_else(|| values.with(|v| v.get(key).map(shown).unwrap_or_default()))
    };
    let save = StoredValue::new(save);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let sent = typed.get_untracked();
        let defined = definitions.get_untracked();
        let mut changes = AttributeValues::new();
        for (key, text) in sent {
            if let Some(definition) = defined.iter().find(|d| d.key == key) {
                if let Err(code) = definition.parse_value(&Value::String(text.clone())) {
                    status.set(Some(Err(refusal(i18n, definition, code))));
                    refused.set(Some(key));
                    return;
                }
            }
            changes.insert(key, Value::String(text));
        }
        if changes.is_empty() {
            status.set(Some(Ok(())));
            return;
        }
        let save = save.get_value();
        leptos::task::spawn_local(async move {
            match save(changes).await {
                Ok(stored) => {
                    values.set(stored);
                    typed.set(Default::default());
                    refused.set(None);
                    status.set(Some(Ok(())));
                }
                Err(err) => {
                    let named =
                        field_key(&err).and_then(|key| defined.iter().find(|d| d.key == key));
                    refused.set(named.map(|d| d.key.clone()));
                    let text = named
                        .map(|d| refusal(i18n, d, "invalid"))
                        .unwrap_or_else(|| error_text(i18n, &err));
                    status.set(Some(Err(text)));
                }
            }
        });
    };
    let heading_id = format!("attributes-{}", model.key());
    let undefined = move || {
        let defined = definitions.get();
        values.with(|v| {
            v.iter()
                .filter(|(key, _)| !defined.iter().any(|d| &d.key == *key))
                .map(|(key, value)| (key.clone(), shown(value)))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || load_failed.get()>
            <p role="alert" class="error">{t!(i18n, attributes_load_failed)}</p>
        </Show>
        <Show when=move || definitions.with(|d| !d.is_empty()) || !undefined().is_empty()>
            <section class="attributes" aria-labelledby=heading_id.clone()>
                <h3 id=heading_id.clone()>{t!(i18n, attributes_heading)}</h3>
                <Show when=move || definitions.with(|d| !d.is_empty())>
                    <form class="stack" on:submit=submit>
                        <For each=move || definitions.get() key=|d| (d.id, d.updated_at) let:definition>
                            <AttributeField definition current typed model refused status />
                        </For>
                        {move || status.get().map(|s| match s {
                            Ok(()) => view! { <p role="status" class="muted">{t!(i18n, attributes_saved)}</p> }.into_any(),
                            Err(text) => view! { <p role="alert" class="error">{text}</p> }.into_any(),
                        })}
                        <div class="form-actions">
                            <button type="submit" class="secondary">{t!(i18n, attributes_save)}</button>
                        </div>
                    </form>
                </Show>
                <Show when=move || !undefined().is_empty()>
                    <dl class="contact-facts">
                        <For each=undefined key=|(k, v)| (k.clone(), v.clone()) let:pair>
                            <dt>{pair.0}</dt>
                            <dd>{pair.1}</dd>
                        </For>
                    </dl>
                </Show>
            </section>
        </Show>
    }
}

/// One attribute's labelled field, typed as the attribute is.
#[component]
fn AttributeField(
    definition: AttributeDefinition,
    current: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
    typed: RwSignal<std::collections::BTreeMap<String, String>>,
    model: AttributeModel,
    refused: RwSignal<Option<String>>,
    /// Cleared by an edit: the last "saved" or refusal is old news then.
    status: RwSignal<Option<Result<(), String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("attr-{}-{}", model.key(), definition.key);
    let key = StoredValue::new(definition.key.clone());
    let set = move |text: String| {
        status.set(None);
        typed.update(|t| {
            t.insert(key.get_value(), text);
        })
    };
    let value = move || current(&key.get_value());
    let invalid = move || {
        refused
            .with(|r| r.as_deref() == Some(key.get_value().as_str()))
            .then_some("true")
    };
    let help = (!definition.description.is_empty()).then(|| format!("{id}-help"));
    let field = match definition.display_type {
        AttributeType::Checkbox => view! {
            <input id=id.clone() type="checkbox" aria-describedby=help.clone() aria-invalid=invalid
                prop:checked=move || value() == "true"
                on:change=move |ev| set(event_target_checked(&ev).to_string()) />
        }
        .into_any(),
        AttributeType::List => {
            let choices = definition.values.clone();
            view! {
                <select id=id.clone() aria-describedby=help.clone() aria-invalid=invalid
                    on:change=move |ev| set(event_target_value(&ev))>
                    <option value="" selected=move || value().is_empty()>{t!(i18n, attributes_none)}</option>
                    {choices.into_iter().map(|choice| {
                        let this = choice.clone();
                        view! { <option value=choice.clone() selected=move || value() == this>{choice.clone()}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        other => {
            let is_date = other == AttributeType::Date;
            // A date field shows the day of a value that may be a whole timestamp.
            let shown_value = move || {
                let text = value();
                if is_date {
                    day_of(&text).to_owned()
                } else {
                    text
                }
            };
            let (kind, mode) = match other {
                AttributeType::Link => ("url", "url"),
                AttributeType::Date => ("date", "text"),
                t if t.is_numeric() => ("text", "decimal"),
                _ => ("text", "text"),
            };
            view! {
                <input id=id.clone() type=kind inputmode=mode aria-describedby=help.clone() aria-invalid=invalid
                    prop:value=shown_value on:input=move |ev| set(event_target_value(&ev)) />
            }
            .into_any()
        }
    };
    let description = definition.description.clone();
    view! {
        <div class=if definition.display_type == AttributeType::Checkbox { "field checkbox" } else { "field" }>
            <label for=id.clone()>{definition.display_name.clone()}</label>
            {field}
            {help.clone().map(|help| view! { <small id=help class="muted">{description.clone()}</small> })}
        </div>
    }
}

/// "Plan: no es un valor válido", naming the attribute.
fn refusal(i18n: I18nContext<Locale>, definition: &AttributeDefinition, code: &str) -> String {
    let name = definition.display_name.clone();
    match code {
        "too_long" => t_string!(i18n, attributes_too_long, name).to_string(),
        _ => t_string!(i18n, attributes_invalid, name).to_string(),
    }
}

/// The key of a refused `custom_attributes.<key>`.
fn field_key(err: &AppError) -> Option<&str> {
    match err {
        AppError::Validation { field, .. } => field.strip_prefix("custom_attributes."),
        _ => None,
    }
}
