//! Ajustes > Equipo y bandejas > Atributos personalizados (administrators): the
//! account's attributes for contacts and conversations, with removal, and the form
//! that adds one with its type (and a list's choices).
use leptos::prelude::*;

use super::api::{list_attributes, remove_attribute, save_attribute};
use super::model::{key_from_name, AttributeModel, AttributeType};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use leptos_i18n::I18nContext;

pub fn model_text(i18n: I18nContext<Locale>, model: AttributeModel) -> &'static str {
    match model {
        AttributeModel::Contact => t_string!(i18n, attributes_model_contact),
        AttributeModel::Conversation => t_string!(i18n, attributes_model_conversation),
    }
}

pub fn type_text(i18n: I18nContext<Locale>, display_type: AttributeType) -> &'static str {
    match display_type {
        AttributeType::Text => t_string!(i18n, attributes_type_text),
        AttributeType::Number => t_string!(i18n, attributes_type_number),
        AttributeType::Currency => t_string!(i18n, attributes_type_currency),
        AttributeType::Percent => t_string!(i18n, attributes_type_percent),
        AttributeType::Link => t_string!(i18n, attributes_type_link),
        AttributeType::Date => t_string!(i18n, attributes_type_date),
        AttributeType::List => t_string!(i18n, attributes_type_list),
        AttributeType::Checkbox => t_string!(i18n, attributes_type_checkbox),
    }
}

#[component]
pub fn AttributesAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::new());
    let error = RwSignal::new(None::<AppError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match list_attributes(None).await {
                Ok(items) => list.set(items),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // Effects run only in the browser (no task spawning while rendering on the server).
    Effect::new(move |_| load());
    let model = RwSignal::new(AttributeModel::Contact);
    let name = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let display_type = RwSignal::new(AttributeType::Text);
    let description = RwSignal::new(String::new());
    let choices = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values: Vec<String> = choices.get_untracked().lines().map(str::to_owned).collect();
        let (m, n, k, t, d) = (
            model.get_untracked(),
            name.get_untracked(),
            key.get_untracked(),
            display_type.get_untracked(),
            description.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match save_attribute(None, m, k, n, t, d, values).await {
                Ok(_) => {
                    name.set(String::new());
                    key.set(String::new());
                    description.set(String::new());
                    choices.set(String::new());
                    error.set(None);
                    load();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <section class="contact-form" aria-labelledby="attributes-admin-title">
            <h2 id="attributes-admin-title" tabindex="-1">{t!(i18n, attributes_admin_title)}</h2>
            <p class="muted">{t!(i18n, attributes_admin_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, attributes_admin_none)}</p>
            </Show>
            <ul class="label-list">
                <For each=move || list.get() key=|a| (a.id, a.updated_at) let:attribute>
                    {
                        let id = attribute.id;
                        let display_name = attribute.display_name.clone();
                        let remove_name = t_string!(i18n, attributes_remove, name = display_name.clone()).to_string();
                        let facts = format!(
                            "{} · {} · {}",
                            model_text(i18n, attribute.model),
                            type_text(i18n, attribute.display_type),
                            attribute.key
                        );
                        let confirm_text = t_string!(i18n, attributes_delete_confirm, name = display_name.clone()).to_string();
                        // Removal asks once: the attribute's field goes from every form.
                        let confirming = RwSignal::new(false);
                        view! {
                            <li>
                                <strong>{display_name}</strong>
                                <span class="muted">{facts}</span>
                                <Show when=move || !confirming.get()>
                                    <button type="button" class="link" aria-label=remove_name.clone()
                                        on:click=move |_| confirming.set(true)>{t!(i18n, attributes_delete)}</button>
                                </Show>
                                <Show when=move || confirming.get()>
                                    <span role="group" aria-label=confirm_text.clone()>
                                        <span>{confirm_text.clone()}</span>
                                        " "
                                        <button type="button" class="danger" on:click=move |_| {
                                            leptos::task::spawn_local(async move {
                                                match remove_attribute(id).await {
                                                    Ok(()) => error.set(None),
                                                    Err(err) => error.set(Some(err)),
                                                }
                                                load();
                                                focus_heading();
                                            });
                                        }>{t!(i18n, attributes_delete_yes)}</button>
                                        " "
                                        <button type="button" class="link" on:click=move |_| confirming.set(false)>
                                            {t!(i18n, cancel)}
                                        </button>
                                    </span>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="attribute-model">{t!(i18n, attributes_model)}</label>
                    <select id="attribute-model" on:change=move |ev| {
                        model.set(AttributeModel::from_key(&event_target_value(&ev)).unwrap_or(AttributeModel::Contact))
                    }>
                        {AttributeModel::ALL.into_iter().map(|m| view! {
                            <option value=m.key() selected=move || model.get() == m>{model_text(i18n, m)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="attribute-name">{t!(i18n, attributes_name)}</label>
                    <input id="attribute-name" type="text" maxlength="80" required
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="attribute-key">{t!(i18n, attributes_key)}</label>
                    <input id="attribute-key" type="text" maxlength="50" aria-describedby="attribute-key-help"
                        placeholder=move || key_from_name(&name.get())
                        prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                    <small id="attribute-key-help" class="muted">{t!(i18n, attributes_key_help)}</small>
                </div>
                <div class="field">
                    <label for="attribute-type">{t!(i18n, attributes_type)}</label>
                    <select id="attribute-type" on:change=move |ev| {
                        display_type.set(AttributeType::from_key(&event_target_value(&ev)).unwrap_or(AttributeType::Text))
                    }>
                        {AttributeType::ALL.into_iter().map(|t| view! {
                            <option value=t.key() selected=move || display_type.get() == t>{type_text(i18n, t)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || display_type.get() == AttributeType::List>
                    <div class="field">
                        <label for="attribute-choices">{t!(i18n, attributes_choices)}</label>
                        <textarea id="attribute-choices" rows="4" aria-describedby="attribute-choices-help"
                            prop:value=move || choices.get() on:input=move |ev| choices.set(event_target_value(&ev))></textarea>
                        <small id="attribute-choices-help" class="muted">{t!(i18n, attributes_choices_help)}</small>
                    </div>
                </Show>
                <div class="field">
                    <label for="attribute-description">{t!(i18n, attributes_description)}</label>
                    <input id="attribute-description" type="text" maxlength="200"
                        prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                </div>
                {move || error.get().map(|err| view! { <p role="alert" class="error">{attribute_error(i18n, &err)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary">{t!(i18n, attributes_add)}</button>
                </div>
            </form>
        </section>
    }
}

/// Where focus goes when the row that held it is gone.
fn focus_heading() {
    #[cfg(feature = "hydrate")]
    if let Some(heading) = leptos::prelude::document()
        .get_element_by_id("attributes-admin-title")
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = heading.focus();
    }
}

/// A refused attribute, naming the field when it is the key or a list's choices.
fn attribute_error(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Conflict { field } if field == "key" => {
            t_string!(i18n, attributes_key_taken).to_string()
        }
        AppError::Validation { field, code } if field == "key" && code == "reserved" => {
            t_string!(i18n, attributes_key_reserved).to_string()
        }
        AppError::Validation { field, .. } if field == "key" => {
            t_string!(i18n, attributes_key_invalid).to_string()
        }
        AppError::Validation { field, code } if field == "values" && code == "required" => {
            t_string!(i18n, attributes_choices_required).to_string()
        }
        other => error_text(i18n, other),
    }
}
