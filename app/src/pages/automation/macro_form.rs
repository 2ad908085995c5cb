//! Writing a macro: its name, who sees it (only me / the whole team) and its actions,
//! in the rule form's action rows; saved whole through `macros/save` (a refusal names
//! the part to fix and changes nothing).
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::action_draft::ActionDraft;
use super::choices::Choices;
use super::macro_draft::MacroDraft;
use super::rows::ActionRow;
use crate::automation::macros::{save_macro, Macro};
use crate::domain::automation::macros::Visibility;
use crate::error::AppError;
use crate::i18n::*;

/// A rule's refusal texts, but for what a macro names and who may change it.
pub fn refusal_text(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { code, .. } if code == "unknown_reference" => {
            t_string!(i18n, macro_error_reference).to_owned()
        }
        AppError::Forbidden => t_string!(i18n, macro_error_forbidden).to_owned(),
        other => super::form::refusal_text(i18n, other),
    }
}

#[component]
pub fn MacroForm(
    /// The macro changed, or `None` for a new one.
    editing: Option<Macro>,
    choices: Choices,
    /// The macro as saved, or `None` when the form is closed without saving.
    on_done: Callback<Option<Macro>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = editing.as_ref().map(|m| m.id);
    let draft = RwSignal::new(
        editing
            .as_ref()
            .map_or_else(MacroDraft::blank, MacroDraft::of),
    );
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = draft.get_untracked().input();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = save_macro(id, input).await;
            busy.set(false);
            match result {
                Ok(saved) => on_done.run(Some(saved)),
                Err(err) => failure.set(Some(refusal_text(i18n, &err))),
            }
        });
    };
    let title = if id.is_some() {
        t_string!(i18n, macro_edit_title)
    } else {
        t_string!(i18n, macro_new)
    };
    let visibility_option = move |v: Visibility| {
        let id = format!("macro-visibility-{}", v.as_str());
        view! {
            <div class="field checkbox">
                <input id=id.clone() type="radio" name="macro-visibility" value=v.as_str()
                    prop:checked=move || draft.with(|d| d.visibility == v)
                    on:change=move |_| draft.update(|d| d.visibility = v) />
                <label for=id>{move || match v {
                    Visibility::Personal => t_string!(i18n, macro_personal),
                    Visibility::Global => t_string!(i18n, macro_global),
                }}</label>
            </div>
        }
    };
    view! {
        <section class="contact-form rule-form" aria-labelledby="macro-form-title">
            <h2 id="macro-form-title">{title}</h2>
            <form class="stack" on:submit=save>
                <div class="field">
                    <label for="macro-name">{t!(i18n, automation_name)}</label>
                    <input id="macro-name" type="text" maxlength="120" prop:value=move || draft.with(|d| d.name.clone())
                        on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev)) />
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, macro_visibility)}</legend>
                    {visibility_option(Visibility::Personal)}
                    {visibility_option(Visibility::Global)}
                </fieldset>
                <h3>{t!(i18n, automation_actions)}</h3>
                <For each=move || draft.with(|d| d.actions.iter().map(|a| a.key).collect::<Vec<_>>()) key=|k| *k let:key>
                    <ActionRow draft key choices=choices.clone() />
                </For>
                <button type="button" class="secondary" on:click=move |_| draft.update(|d| {
                    let key = d.next_key();
                    d.actions.push(ActionDraft::new(key));
                })>{t!(i18n, automation_add_action)}</button>
                {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, macro_save)}</button>
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>{t!(i18n, automation_cancel)}</button>
                </div>
            </form>
        </section>
    }
}
