//! The parameter fields of an action row that take more than one value or a
//! particular input: a webhook's URL, an email's teammate and message, a template and
//! its values, the canned-response picker — and the option lists the rows share.
use leptos::prelude::*;

use super::action_draft::ActionDraft;
use crate::i18n::*;

/// How a row changes its own entry of the draft.
pub(super) trait Edit: Fn(&dyn Fn(&mut ActionDraft)) + Copy + Send + Sync + 'static {}
impl<T: Fn(&dyn Fn(&mut ActionDraft)) + Copy + Send + Sync + 'static> Edit for T {}

/// `(value, text)` options, the current one selected.
pub(super) fn options(list: Vec<(String, String)>, current: Signal<String>) -> impl IntoView {
    list.into_iter()
        .map(|(value, text)| {
            let v = value.clone();
            view! { <option value=value selected=move || current.get() == v>{text}</option> }
        })
        .collect_view()
}

pub(super) fn named(list: &[(i64, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect()
}

/// "Usar una respuesta rápida": fills a message or note with a canned response's text
/// (edited freely afterwards). Nothing when the account has none.
pub(super) fn canned_picker(
    canned: &[(String, String)],
    id: String,
    edit: impl Edit,
) -> Option<impl IntoView> {
    if canned.is_empty() {
        return None;
    }
    let i18n = use_i18n();
    let texts: Vec<String> = canned.iter().map(|(_, text)| text.clone()).collect();
    let options = canned
        .iter()
        .enumerate()
        .map(|(i, (code, _))| view! { <option value=i.to_string()>{format!("/{code}")}</option> })
        .collect_view();
    Some(view! {
        <label class="canned-pick" for=id.clone()>{t!(i18n, automation_param_canned)}</label>
        <select id=id prop:value="" on:change=move |ev| {
            let chosen = event_target_value(&ev).parse::<usize>().ok().and_then(|i| texts.get(i).cloned());
            if let Some(text) = chosen {
                edit(&|a| a.set_param(text.clone()));
            }
        }>
            <option value="">{t!(i18n, automation_choose)}</option>
            {options}
        </select>
    })
}

pub(super) fn url_field(id: String, value: Signal<String>, edit: impl Edit) -> AnyView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id.clone()>{t!(i18n, automation_param_url)}</label>
            <input id=id type="url" inputmode="url" maxlength="2000"
                placeholder="https://" prop:value=move || value.get()
                on:input=move |ev| edit(&|a| a.set_param(event_target_value(&ev)))/>
        </div>
    }
    .into_any()
}

/// `mail`: the teammate's id and the message.
pub(super) fn mail_fields(
    to_id: String,
    text_id: String,
    agents: &[(i64, String)],
    mail: Signal<(String, String)>,
    edit: impl Edit,
) -> AnyView {
    let i18n = use_i18n();
    let agent = Signal::derive(move || mail.get().0);
    view! {
        <div class="field">
            <label for=to_id.clone()>{t!(i18n, automation_param_mail_to)}</label>
            <select id=to_id
                on:change=move |ev| edit(&|a| a.set_mail(Some(event_target_value(&ev)), None))>
                <option value="" selected=move || agent.get().is_empty()>{t!(i18n, automation_choose)}</option>
                {options(named(agents), agent)}
            </select>
        </div>
        <div class="field">
            <label for=text_id.clone()>{t!(i18n, automation_param_text)}</label>
            <textarea id=text_id rows="2" maxlength="4000" prop:value=move || mail.get().1
                on:input=move |ev| edit(&|a| a.set_mail(None, Some(event_target_value(&ev))))></textarea>
        </div>
    }
    .into_any()
}

/// `template`: the chosen `name|language` and its values, one per line.
pub(super) fn template_fields(
    pick_id: String,
    values_id: String,
    templates: &[(String, String)],
    template: Signal<(String, String)>,
    edit: impl Edit,
) -> AnyView {
    let i18n = use_i18n();
    let chosen = Signal::derive(move || template.get().0);
    let list: Vec<(String, String)> = templates
        .iter()
        .map(|(name, language)| (format!("{name}|{language}"), format!("{name} ({language})")))
        .collect();
    view! {
        <div class="field">
            <label for=pick_id.clone()>{t!(i18n, automation_param_template)}</label>
            <select id=pick_id
                on:change=move |ev| edit(&|a| a.set_template(Some(event_target_value(&ev)), None))>
                <option value="" selected=move || chosen.get().is_empty()>{t!(i18n, automation_choose)}</option>
                {options(list, chosen)}
            </select>
        </div>
        <div class="field">
            <label for=values_id.clone()>{t!(i18n, automation_param_template_values)}</label>
            <textarea id=values_id rows="2" maxlength="4000" prop:value=move || template.get().1
                on:input=move |ev| edit(&|a| a.set_template(None, Some(event_target_value(&ev))))></textarea>
        </div>
    }
    .into_any()
}
