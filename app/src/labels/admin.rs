//! Ajustes > Equipo y bandejas > Etiquetas (administrators): the account's labels with
//! removal, and the form that adds one with its colour.
use leptos::prelude::*;

use super::api::{list_labels, remove_label, save_label};
use super::chips::LabelChip;
use super::model::PALETTE;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

#[component]
pub fn LabelsAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::new());
    let error = RwSignal::new(None::<AppError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match list_labels().await {
                Ok(items) => list.set(items),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // Effects run only in the browser (no task spawning while rendering on the server).
    Effect::new(move |_| load());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let color = RwSignal::new(PALETTE[0].to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, d, c) = (
            name.get_untracked(),
            description.get_untracked(),
            color.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match save_label(None, n, d, c).await {
                Ok(_) => {
                    name.set(String::new());
                    description.set(String::new());
                    // The next label starts on the next colour of the palette.
                    let next = list.with_untracked(Vec::len) + 1;
                    color.set(PALETTE[next % PALETTE.len()].to_owned());
                    error.set(None);
                    load();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <section class="contact-form" aria-labelledby="labels-title">
            <h2 id="labels-title">{t!(i18n, labels_title)}</h2>
            <p class="muted">{t!(i18n, labels_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_labels)}</p>
            </Show>
            <ul class="label-list">
                <For each=move || list.get() key=|l| (l.id, l.name.clone(), l.color.clone()) let:label>
                    {
                        let id = label.id;
                        let remove_name = format!("{} {}", t_string!(i18n, label_remove), label.name);
                        let description = label.description.clone();
                        view! {
                            <li>
                                <LabelChip label />
                                <span class="muted">{description}</span>
                                <button type="button" class="link" aria-label=remove_name on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        match remove_label(id).await {
                                            Ok(()) => error.set(None),
                                            Err(err) => error.set(Some(err)),
                                        }
                                        load();
                                    });
                                }>{t!(i18n, label_remove)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="label-name">{t!(i18n, label_name)}</label>
                    <input id="label-name" type="text" maxlength="50" aria-describedby="label-name-help"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <small id="label-name-help" class="muted">{t!(i18n, label_name_help)}</small>
                </div>
                <div class="field">
                    <label for="label-description">{t!(i18n, label_description)}</label>
                    <input id="label-description" type="text" maxlength="200"
                        prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="label-color">{t!(i18n, label_color)}</label>
                    <input id="label-color" type="color"
                        prop:value=move || color.get() on:input=move |ev| color.set(event_target_value(&ev)) />
                </div>
                {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary">{t!(i18n, label_add)}</button>
                </div>
            </form>
        </section>
    }
}
