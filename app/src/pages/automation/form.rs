//! Writing a rule: its name, the event it listens to, its conditions and actions (rows
//! added and removed freely), whether it is on; saved whole through
//! `automation/save` (a refusal names the part to fix and changes nothing), or tried
//! first on the latest conversations without acting.
use leptos::prelude::*;

use super::action_draft::ActionDraft;
use super::choices::Choices;
use super::draft::{ConditionDraft, RuleDraft, DEFAULT_NO_REPLY_MINUTES, EVENTS};
use super::rows::{ActionRow, ConditionRow};
use super::texts::event_text;
use crate::automation::model::Trial;
use crate::automation::{save_automation_rule, try_automation_rule, AutomationRule};
use crate::domain::automation::{RuleEvent, NO_REPLY_MINUTES};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use leptos_i18n::I18nContext;

pub fn refusal_text(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { code, .. } if code == "unknown_reference" => {
            t_string!(i18n, automation_error_reference).to_owned()
        }
        AppError::Validation { field, .. } if field == "no_reply_minutes" => {
            t_string!(i18n, automation_error_minutes).to_owned()
        }
        AppError::Validation { field, .. } if field == "name" => {
            t_string!(i18n, automation_error_name).to_owned()
        }
        AppError::Validation { field, .. } if field == "conditions" => {
            t_string!(i18n, automation_error_conditions).to_owned()
        }
        AppError::Validation { field, code } if field == "actions" && code.starts_with("url") => {
            t_string!(i18n, automation_error_url).to_owned()
        }
        AppError::Validation { field, .. } if field == "actions" => {
            t_string!(i18n, automation_error_actions).to_owned()
        }
        other => error_text(i18n, other),
    }
}

#[component]
pub fn RuleForm(
    /// The rule changed, or `None` for a new one.
    editing: Option<AutomationRule>,
    choices: Choices,
    /// The rule as saved, or `None` when the form is closed without saving.
    on_done: Callback<Option<AutomationRule>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = editing.as_ref().map(|r| r.id);
    let draft = RwSignal::new(
        editing
            .as_ref()
            .map_or_else(RuleDraft::blank, RuleDraft::of),
    );
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let trial = RwSignal::new(None::<Trial>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = draft.get_untracked().input();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = save_automation_rule(id, input).await;
            busy.set(false);
            match result {
                Ok(rule) => on_done.run(Some(rule)),
                Err(err) => failure.set(Some(refusal_text(i18n, &err))),
            }
        });
    };
    let try_it = move |_| {
        let input = draft.get_untracked().input();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = try_automation_rule(input).await;
            busy.set(false);
            match result {
                Ok(found) => {
                    failure.set(None);
                    trial.set(Some(found));
                }
                Err(err) => failure.set(Some(refusal_text(i18n, &err))),
            }
        });
    };
    let title = if id.is_some() {
        t_string!(i18n, automation_edit_title)
    } else {
        t_string!(i18n, automation_new)
    };
    let condition_choices = choices.clone();
    view! {
        <section class="contact-form rule-form" aria-labelledby="rule-form-title">
            <h2 id="rule-form-title">{title}</h2>
            <form class="stack" on:submit=save>
                <div class="field">
                    <label for="rule-name">{t!(i18n, automation_name)}</label>
                    <input id="rule-name" type="text" maxlength="120" prop:value=move || draft.with(|d| d.name.clone())
                        on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="rule-description">{t!(i18n, automation_description)}</label>
                    <input id="rule-description" type="text" maxlength="500" prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="rule-event">{t!(i18n, automation_event)}</label>
                    <select id="rule-event" on:change=move |ev| {
                        let chosen = EVENTS.iter().copied().find(|e| event_key(*e) == event_target_value(&ev));
                        if let Some(event) = chosen {
                            draft.update(|d| {
                                d.event = event;
                                if event == RuleEvent::NoReply && d.no_reply_minutes.is_none() {
                                    d.no_reply_minutes = Some(DEFAULT_NO_REPLY_MINUTES);
                                }
                            })
                        }
                    }>
                        {EVENTS.iter().map(|&event| view! {
                            <option value=event_key(event) selected=move || draft.with(|d| d.event == event)>
                                {move || event_text(i18n, event)}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || draft.with(|d| d.event == RuleEvent::NoReply)>
                    <div class="field">
                        <label for="rule-minutes">{t!(i18n, automation_minutes)}</label>
                        <input id="rule-minutes" type="number" min=NO_REPLY_MINUTES.0 max=NO_REPLY_MINUTES.1 inputmode="numeric"
                            prop:value=move || draft.with(|d| d.no_reply_minutes.map(|m| m.to_string()).unwrap_or_default())
                            on:input=move |ev| {
                                let minutes = event_target_value(&ev).trim().parse::<u32>().ok();
                                draft.update(|d| d.no_reply_minutes = minutes)
                            } />
                    </div>
                </Show>
                <h3>{t!(i18n, automation_conditions)}</h3>
                <p class="muted hint">{t!(i18n, automation_conditions_help)}</p>
                <For each=move || draft.with(|d| d.conditions.iter().map(|c| c.key).collect::<Vec<_>>()) key=|k| *k let:key>
                    <ConditionRow draft key choices=condition_choices.clone() />
                </For>
                <button type="button" class="secondary" on:click=move |_| draft.update(|d| {
                    let key = d.next_key();
                    d.conditions.push(ConditionDraft::new(key));
                })>{t!(i18n, automation_add_condition)}</button>
                <h3>{t!(i18n, automation_actions)}</h3>
                <For each=move || draft.with(|d| d.actions.iter().map(|a| a.key).collect::<Vec<_>>()) key=|k| *k let:key>
                    <ActionRow draft key choices=choices.clone() />
                </For>
                <button type="button" class="secondary" on:click=move |_| draft.update(|d| {
                    let key = d.next_key();
                    d.actions.push(ActionDraft::new(key));
                })>{t!(i18n, automation_add_action)}</button>
                <div class="field checkbox">
                    <input id="rule-active" type="checkbox" prop:checked=move || draft.with(|d| d.active)
                        on:change=move |ev| draft.update(|d| d.active = event_target_checked(&ev)) />
                    <label for="rule-active">{t!(i18n, automation_active)}</label>
                </div>
                {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>{t!(i18n, automation_save)}</button>
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=try_it>{t!(i18n, automation_try)}</button>
                    <button type="button" class="secondary" on:click=move |_| on_done.run(None)>{t!(i18n, automation_cancel)}</button>
                </div>
            </form>
            {move || trial.get().map(|found| view! { <TrialResult found /> })}
        </section>
    }
}

fn event_key(event: RuleEvent) -> String {
    serde_json::to_value(event)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
fn TrialResult(found: Trial) -> impl IntoView {
    let i18n = use_i18n();
    let (matched, considered) = (found.matched.len(), found.considered);
    view! {
        <section class="rule-trial" aria-labelledby="rule-trial-title">
            <h3 id="rule-trial-title">{t!(i18n, automation_trial_title)}</h3>
            <p role="status">{move || t_string!(i18n, automation_trial_result, matched = matched, considered = considered).to_string()}</p>
            <ul class="history-list">
                {found.matched.into_iter().map(|m| view! {
                    <li>
                        <a href=format!("/conversations/{}", m.conversation_id)>
                            <span class="row-top"><strong>{format!("#{} {}", m.display_id, m.contact_name)}</strong></span>
                            <span class="muted">{m.preview.unwrap_or_default()}</span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
