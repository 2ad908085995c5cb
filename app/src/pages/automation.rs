//! Ajustes > Automatizaciones (administrators, issue 32): the account's rules in the
//! order they run, each with its switch, how often it ran, the loops it was kept from,
//! its last error and why it switched itself off; moved up and down, edited, tried on
//! the latest conversations, deleted. The server refuses all of it to agents; the
//! page then shows that refusal (and answers 403).
mod choices;
mod draft;
mod form;
mod rows;
mod texts;

use leptos::prelude::*;

use crate::automation::{
    list_automation_rules, move_automation_rule, remove_automation_rule, save_automation_rule,
    AutomationRule,
};
use crate::domain::automation::RuleInput;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::time::short;
use choices::Choices;
use form::RuleForm;
use texts::{action_text, disabled_text, event_text};

async fn load() -> Result<(Vec<AutomationRule>, Choices), AppError> {
    let rules = list_automation_rules().await?;
    Ok((rules, choices::load().await?))
}

/// Which form is open: none, a new rule, or the rule with this id.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Editing {
    Closed,
    New,
    Rule(i64),
}

#[component]
pub fn AutomationPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load());
    view! {
        <div class="automation">
            <h1>{t!(i18n, automation_title)}</h1>
            <p class="muted">{t!(i18n, automation_help)}</p>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((rules, choices)) => view! { <RuleList rules choices /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn RuleList(rules: Vec<AutomationRule>, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let rules = RwSignal::new(rules);
    let editing = RwSignal::new(Editing::Closed);
    let failure = RwSignal::new(None::<AppError>);
    let done = Callback::new(move |saved: Option<AutomationRule>| {
        if let Some(rule) = saved {
            rules.update(|list| match list.iter_mut().find(|r| r.id == rule.id) {
                Some(old) => *old = rule,
                None => list.push(rule),
            });
        }
        editing.set(Editing::Closed);
    });
    let act = move |work: Work| {
        leptos::task::spawn_local(async move {
            match run(work).await {
                Ok(list) => {
                    failure.set(None);
                    rules.set(list);
                }
                Err(err) => failure.set(Some(err)),
            }
        });
    };
    let form = move || {
        let editing_rule = match editing.get() {
            Editing::Closed => return None,
            Editing::New => None,
            Editing::Rule(id) => rules.with_untracked(|l| l.iter().find(|r| r.id == id).cloned()),
        };
        Some(view! { <RuleForm editing=editing_rule choices=choices.clone() on_done=done /> })
    };
    view! {
        <div class="page-actions">
            <button type="button" class="primary" on:click=move |_| editing.set(Editing::New)>{t!(i18n, automation_new)}</button>
        </div>
        {form}
        {move || failure.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        <Show when=move || rules.with(Vec::is_empty)>
            <p class="muted">{t!(i18n, automation_empty)}</p>
        </Show>
        <ol class="rule-list" aria-label=move || t_string!(i18n, automation_rules_list)>
            // Keyed by the whole rule: any change to one (its switch, counts, order) redraws its card.
            <For each=move || rules.get() key=|r| format!("{r:?}") let:rule>
                <RuleCard rule editing act=Callback::new(act) />
            </For>
        </ol>
    }
}

/// A change made from a rule's card; each answers with the rules as they now stand.
#[derive(Debug, Clone)]
enum Work {
    Move(i64, bool),
    Switch(Box<AutomationRule>, bool),
    Remove(i64),
}

async fn run(work: Work) -> Result<Vec<AutomationRule>, AppError> {
    match work {
        Work::Move(id, up) => move_automation_rule(id, up).await,
        Work::Switch(rule, on) => {
            let input = RuleInput {
                active: on,
                ..rule.input()
            };
            save_automation_rule(Some(rule.id), input).await?;
            list_automation_rules().await
        }
        Work::Remove(id) => {
            remove_automation_rule(id).await?;
            list_automation_rules().await
        }
    }
}

#[component]
fn RuleCard(
    rule: AutomationRule,
    editing: RwSignal<Editing>,
    act: Callback<Work>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = rule.id;
    let title_id = format!("rule-{id}-title");
    let switch_id = format!("rule-{id}-active");
    let name = rule.name.clone();
    let actions = rule
        .actions
        .iter()
        .map(|a| action_text(i18n, &a.action_name))
        .collect::<Vec<_>>()
        .join(" · ");
    let (runs, skipped) = (rule.runs, rule.skipped_loops);
    let last_run = rule.last_run_at;
    let error = rule.last_error.clone();
    let reason = rule
        .disabled_reason
        .clone()
        .map(|r| disabled_text(i18n, &r));
    let switched = rule.clone();
    view! {
        <li>
            <article class="contact-form rule-card" aria-labelledby=title_id.clone()>
                <h2 id=title_id.clone()>{name.clone()}</h2>
                <p>{move || event_text(i18n, rule.event_name)}{" → "}{actions}</p>
                {(!rule.description.is_empty()).then(|| view! { <p class="muted">{rule.description.clone()}</p> })}
                <div class="field checkbox">
                    <input id=switch_id.clone() type="checkbox" role="switch" prop:checked=rule.active
                        on:change=move |ev| act.run(Work::Switch(Box::new(switched.clone()), event_target_checked(&ev))) />
                    <label for=switch_id>{t!(i18n, automation_active)}</label>
                </div>
                <p class="muted">
                    {move || t_string!(i18n, automation_runs, n = runs).to_string()}
                    {" · "}
                    {move || t_string!(i18n, automation_skipped, n = skipped).to_string()}
                    {move || last_run.map(|at| format!(" · {} {}", t_string!(i18n, automation_last_run), short(at)))}
                </p>
                {reason.map(|text| view! { <p class="error">{text}</p> })}
                {error.map(|text| view! { <p class="error">{move || t_string!(i18n, automation_last_error, error = text.clone()).to_string()}</p> })}
                <div class="form-actions">
                    <button type="button" class="secondary" aria-label=format!("{} {name}", t_string!(i18n, automation_edit))
                        on:click=move |_| editing.set(Editing::Rule(id))>{t!(i18n, automation_edit)}</button>
                    <button type="button" class="secondary" aria-label=format!("{} {name}", t_string!(i18n, automation_up))
                        on:click=move |_| act.run(Work::Move(id, true))>{t!(i18n, automation_up)}</button>
                    <button type="button" class="secondary" aria-label=format!("{} {name}", t_string!(i18n, automation_down))
                        on:click=move |_| act.run(Work::Move(id, false))>{t!(i18n, automation_down)}</button>
                    <button type="button" class="danger" aria-label=format!("{} {name}", t_string!(i18n, automation_delete))
                        on:click=move |_| act.run(Work::Remove(id))>{t!(i18n, automation_delete)}</button>
                </div>
            </article>
        </li>
    }
}
