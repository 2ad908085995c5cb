//! One condition or one action of the rule being written: each is a group named by
//! its number ("Condición 1") holding labelled selects, so a keyboard or a screen
//! reader moves through them like any form. Rows read and write their own entry of the
//! draft by key.
use leptos::prelude::*;

use super::action_draft::{param_of, ActionHost, Param};
use super::choices::Choices;
use super::draft::{ConditionDraft, RuleDraft, ATTRIBUTES};
use super::fields::{canned_picker, mail_fields, named, options, template_fields, url_field};
use super::texts::{action_text, attribute_text, operator_text};
use crate::conversations::inbox_state::{priority_text, status_text};
use crate::domain::automation::{Attribute, Operator};
use crate::domain::{ChannelKind, ConversationStatus, Priority};
use crate::i18n::*;
use crate::ui::channel_text;

/// The choices of a condition's value, or `None` for free text.
fn value_choices(choices: &Choices, attribute: Attribute) -> Option<Vec<(String, String)>> {
    let i18n = use_i18n();
    Some(match attribute {
        Attribute::InboxId => named(&choices.inboxes),
        Attribute::AssigneeId => named(&choices.agents),
        Attribute::TeamId => named(&choices.teams),
        Attribute::Labels => choices
            .labels
            .iter()
            .map(|l| (l.clone(), l.clone()))
            .collect(),
        Attribute::Channel => ChannelKind::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), channel_text(i18n, *c).to_owned()))
            .collect(),
        Attribute::Priority => Priority::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), priority_text(i18n, *p).to_owned()))
            .collect(),
        Attribute::Status => ConversationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_text(i18n, *s).to_owned()))
            .collect(),
        Attribute::BusinessHours => vec![
            (
                "open".into(),
                t_string!(i18n, automation_open_hours).to_owned(),
            ),
            (
                "closed".into(),
                t_string!(i18n, automation_closed_hours).to_owned(),
            ),
        ],
        _ => return None,
    })
}

#[component]
pub fn ConditionRow(draft: RwSignal<RuleDraft>, key: u32, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let row = move || {
        draft
            .with(|d| d.conditions.iter().find(|c| c.key == key).cloned())
            .unwrap_or_else(|| ConditionDraft::new(key))
    };
    let number =
        move || draft.with(|d| d.conditions.iter().position(|c| c.key == key).unwrap_or(0) + 1);
    let last = move || draft.with(|d| d.conditions.last().is_some_and(|c| c.key == key));
    let edit = move |f: &dyn Fn(&mut ConditionDraft)| {
        draft.update(|d| {
            if let Some(c) = d.conditions.iter_mut().find(|c| c.key == key) {
                f(c);
            }
        })
    };
    let id = move |part: &str| format!("rule-condition-{key}-{part}");
    let attribute = Signal::derive(move || row().attribute.key().to_owned());
    let operator = Signal::derive(move || row().operator.key().to_owned());
    let value = Signal::derive(move || row().value());
    let join = Signal::derive(move || {
        if row().or_next {
            "or".to_owned()
        } else {
            "and".to_owned()
        }
    });
    let value_field = move || {
        let current = row();
        if !current.operator.needs_values() {
            return None;
        }
        let input = match value_choices(&choices, current.attribute) {
            Some(list) => view! {
                <select id=id("value") on:change=move |ev| edit(&|c| c.set_value(event_target_value(&ev)))>
                    <option value="" selected=move || value.get().is_empty()>{t!(i18n, automation_choose)}</option>
                    {options(list, value)}
                </select>
            }.into_any(),
            None => view! {
                <input id=id("value") type="text" maxlength="4000" prop:value=move || value.get()
                    on:input=move |ev| edit(&|c| c.set_value(event_target_value(&ev))) />
            }.into_any(),
        };
        Some(view! {
            <div class="field">
                <label for=id("value")>{t!(i18n, automation_value)}</label>
                {input}
            </div>
        })
    };
    view! {
        <fieldset class="rule-row">
            <legend>{move || t_string!(i18n, automation_condition_n, n = number())}</legend>
            <div class="field">
                <label for=id("attribute")>{t!(i18n, automation_attribute)}</label>
                <select id=id("attribute") on:change=move |ev| {
                    if let Some(a) = Attribute::parse(&event_target_value(&ev)) { edit(&|c| c.set_attribute(a)) }
                }>
                    {options(ATTRIBUTES.iter().map(|a| (a.key().to_owned(), attribute_text(i18n, *a).to_owned())).collect(), attribute)}
                </select>
            </div>
            <div class="field">
                <label for=id("operator")>{t!(i18n, automation_operator)}</label>
                {move || {
                    let ops = row().attribute.operators();
                    view! {
                        <select id=id("operator") on:change=move |ev| {
                            if let Some(o) = Operator::parse(&event_target_value(&ev)) { edit(&|c| c.operator = o) }
                        }>
                            {options(ops.iter().map(|o| (o.key().to_owned(), operator_text(i18n, *o).to_owned())).collect(), operator)}
                        </select>
                    }
                }}
            </div>
            {value_field}
            <Show when=move || !last()>
                <div class="field">
                    <label for=id("join")>{t!(i18n, automation_join)}</label>
                    <select id=id("join") on:change=move |ev| {
                        let or = event_target_value(&ev) == "or";
                        edit(&|c| c.or_next = or)
                    }>
                        <option value="and" selected=move || join.get() == "and">{t!(i18n, automation_and)}</option>
                        <option value="or" selected=move || join.get() == "or">{t!(i18n, automation_or)}</option>
                    </select>
                </div>
            </Show>
            <button type="button" class="link" on:click=move |_| draft.update(|d| d.conditions.retain(|c| c.key != key))>
                {move || t_string!(i18n, automation_remove_condition, n = number())}
            </button>
        </fieldset>
    }
}

#[component]
pub fn ActionRow<D: ActionHost>(draft: RwSignal<D>, key: u32, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let row = move || {
        draft.with(|d| {
            d.actions()
                .iter()
                .find(|a| a.key == key)
                .map(|a| (a.name.clone(), a.param()))
        })
    };
    let number =
        move || draft.with(|d| d.actions().iter().position(|a| a.key == key).unwrap_or(0) + 1);
    let edit = move |f: &dyn Fn(&mut super::action_draft::ActionDraft)| {
        draft.update(|d| {
            if let Some(a) = d.actions_mut().iter_mut().find(|a| a.key == key) {
                f(a);
            }
        })
    };
    let id = move |part: &str| format!("rule-action-{key}-{part}");
    let name = Signal::derive(move || row().map(|r| r.0).unwrap_or_default());
    let param = Signal::derive(move || row().map(|r| r.1).unwrap_or_default());
    let mail = Signal::derive(move || {
        draft.with(|d| {
            d.actions()
                .iter()
                .find(|a| a.key == key)
                .map(|a| (a.mail_agent(), a.mail_message()))
                .unwrap_or_default()
        })
    });
    let template = Signal::derive(move || {
        draft.with(|d| {
            d.actions()
                .iter()
                .find(|a| a.key == key)
                .map(|a| a.template())
                .unwrap_or_default()
        })
    });
    let mut known: Vec<(String, String)> = D::offered()
        .iter()
        .map(|(n, _)| ((*n).to_owned(), action_text(i18n, n)))
        .collect();
    // An action the page does not offer (saved through the API) stays shown.
    let current = draft.with_untracked(|d| {
        d.actions()
            .iter()
            .find(|a| a.key == key)
            .map(|a| a.name.clone())
    });
    if let Some(current) = current {
        if !known.iter().any(|(n, _)| *n == current) {
            known.push((current.clone(), action_text(i18n, &current)));
        }
    }
    let param_field = move || {
        let (label, list) = match param_of(&name.get()) {
            Param::None => return None,
            Param::Url => return Some(url_field(id("param"), param, edit)),
            Param::Mail => {
                return Some(mail_fields(
                    id("mail-to"),
                    id("param"),
                    &choices.agents,
                    mail,
                    edit,
                ))
            }
            Param::Template => {
                return Some(template_fields(
                    id("template"),
                    id("param"),
                    &choices.templates,
                    template,
                    edit,
                ))
            }
            Param::Agent => (
                t_string!(i18n, automation_param_agent),
                Some(named(&choices.agents)),
            ),
            Param::Team => (
                t_string!(i18n, automation_param_team),
                Some(named(&choices.teams)),
            ),
            Param::Label => (
                t_string!(i18n, automation_param_label),
                Some(
                    choices
                        .labels
                        .iter()
                        .map(|l| (l.clone(), l.clone()))
                        .collect(),
                ),
            ),
            Param::Priority => (
                t_string!(i18n, automation_param_priority),
                Some(
                    Priority::ALL
                        .iter()
                        .map(|p| (p.as_str().to_owned(), priority_text(i18n, *p).to_owned()))
                        .collect(),
                ),
            ),
            _ => (t_string!(i18n, automation_param_text), None),
        };
        let input = match list {
            Some(list) => view! {
                <select id=id("param") on:change=move |ev| edit(&|a| a.set_param(event_target_value(&ev)))>
                    <option value="" selected=move || param.get().is_empty()>{t!(i18n, automation_choose)}</option>
                    {options(list, param)}
                </select>
            }.into_any(),
            None => view! {
                <textarea id=id("param") rows="2" maxlength="4000" prop:value=move || param.get()
                    on:input=move |ev| edit(&|a| a.set_param(event_target_value(&ev)))></textarea>
                {canned_picker(&choices.canned, id("canned"), edit)}
            }.into_any(),
        };
        Some(
            view! {
                <div class="field">
                    <label for=id("param")>{label}</label>
                    {input}
                </div>
            }
            .into_any(),
        )
    };
    view! {
        <fieldset class="rule-row">
            <legend>{move || t_string!(i18n, automation_action_n, n = number())}</legend>
            <div class="field">
                <label for=id("name")>{t!(i18n, automation_action)}</label>
                <select id=id("name") on:change=move |ev| edit(&|a| a.set_name(event_target_value(&ev)))>
                    {options(known, name)}
                </select>
            </div>
            {param_field}
            <button type="button" class="link" on:click=move |_| draft.update(|d| d.actions_mut().retain(|a| a.key != key))>
                {move || t_string!(i18n, automation_remove_action, n = number())}
            </button>
        </fieldset>
    }
}
