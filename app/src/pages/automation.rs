//! Ajustes > Automatizaciones (administrators, issue 32): the account's rules in the
//! order they run, each with its switch, how often it ran, the loops it was kept from,
//! its last error and why it switched itself off; moved up and down, edited, tried on
//! the latest conversations, deleted. The server refuses all of it to agents; the
//! page then shows that refusal (and answers 403).
mod action_draft;
mod choices;
mod draft;
mod fields;
mod form;
mod macro_draft;
mod macro_form;
mod macros;
mod rows;
mod texts;

use leptos::prelude::*;

use crate::automation::{
    list_automation_rules, move_automation_rule, remove_automation_rule, switch_automation_rule,
    AutomationRule,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::time::short;
use choices::Choices;
use form::RuleForm;
pub use macros::MacrosPage;
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
                Err(err) => {
                    if let Work::Switch(id, on) = work {
                        switch_back(id, on);
                    }
                    failure.set(Some(err));
                }
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
            // Keyed by id: a card stays (and keeps the keyboard's focus) while its rule
            // changes or moves; it reads its rule from the list.
            <For each=move || rules.with(|l| l.iter().map(|r| r.id).collect::<Vec<_>>()) key=|id| *id let:id>
                <RuleCard id rules editing act=Callback::new(act) />
            </For>
        </ol>
    }
}

/// A refused switch goes back to where it was (the list did not change, so nothing
/// else would redraw it).
fn switch_back(id: i64, on: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = document()
            .get_element_by_id(&format!("rule-{id}-active"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_checked(!on);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, on);
}

/// A change made from a rule's card; each answers with the rules as they now stand.
#[derive(Debug, Clone, Copy)]
enum Work {
    Move(i64, bool),
    Switch(i64, bool),
    Remove(i64),
}

async fn run(work: Work) -> Result<Vec<AutomationRule>, AppError> {
    match work {
        Work::Move(id, up) => move_automation_rule(id, up).await,
        Work::Switch(id, on) => {
            switch_automation_rule(id, on).await?;
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
    id: i64,
    rules: RwSignal<Vec<AutomationRule>>,
    editing: RwSignal<Editing>,
    act: Callback<Work>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rule = Memo::new(move |_| rules.with(|l| l.iter().find(|r| r.id == id).cloned()));
    let place = Memo::new(move |_| rules.with(|l| (l.iter().position(|r| r.id == id), l.len())));
    let title_id = format!("rule-{id}-title");
    let (heading_id, described_by) = (title_id.clone(), title_id.clone());
    let switch_id = format!("rule-{id}-active");
    let read = move |f: fn(&AutomationRule) -> String| {
        rule.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let name = move || read(|r| r.name.clone());
    let summary = move || {
        rule.with(|r| {
            r.as_ref().map(|r| {
                let actions = r
                    .actions
                    .iter()
                    .map(|a| action_text(i18n, &a.action_name))
                    .collect::<Vec<_>>()
                    .join(" · ");
                format!("{} → {actions}", event_text(i18n, r.event_name))
            })
        })
    };
    let counts = move || {
        rule.with(|r| {
            r.as_ref().map(|r| {
                let mut text = format!(
                    "{} · {}",
                    t_string!(i18n, automation_runs, n = r.runs),
                    t_string!(i18n, automation_skipped, n = r.skipped_loops)
                );
                if let Some(at) = r.last_run_at {
                    text.push_str(&format!(
                        " · {} {}",
                        t_string!(i18n, automation_last_run),
                        short(at)
                    ));
                }
                text
            })
        })
    };
    let reason = move || rule.with(|r| r.as_ref().and_then(|r| r.disabled_reason.clone()));
    // The reason it switched itself off is also its last error: said once.
    let error = move || {
        rule.with(|r| {
            r.as_ref().and_then(|r| {
                r.last_error
                    .clone()
                    .filter(|e| r.disabled_reason.as_ref() != Some(e))
            })
        })
    };
    let description = move || read(|r| r.description.clone());
    let active = move || rule.with(|r| r.as_ref().is_some_and(|r| r.active));
    let labelled = move |verb: &'static str| format!("{verb} {}", name());
    view! {
        <li>
            <article class="contact-form rule-card" aria-labelledby=title_id>
                <h2 id=heading_id>{name}</h2>
                <p>{summary}</p>
                {move || (!description().is_empty()).then(|| view! { <p class="muted">{description()}</p> })}
                <div class="field checkbox">
                    <input id=switch_id.clone() type="checkbox" role="switch" aria-describedby=described_by
                        prop:checked=active
                        on:change=move |ev| act.run(Work::Switch(id, event_target_checked(&ev))) />
                    <label for=switch_id>{t!(i18n, automation_active)}</label>
                </div>
                <p class="muted">{counts}</p>
                {move || reason().map(|r| view! { <p class="error">{disabled_text(i18n, &r)}</p> })}
                {move || error().map(|e| view! { <p class="error">{t_string!(i18n, automation_last_error, error = e).to_string()}</p> })}
                <div class="form-actions">
                    <button type="button" class="secondary" aria-label=move || labelled(t_string!(i18n, automation_edit))
                        on:click=move |_| editing.set(Editing::Rule(id))>{t!(i18n, automation_edit)}</button>
                    <button type="button" class="secondary" aria-label=move || labelled(t_string!(i18n, automation_up))
                        disabled=move || place.get().0 == Some(0)
                        on:click=move |_| act.run(Work::Move(id, true))>{t!(i18n, automation_up)}</button>
                    <button type="button" class="secondary" aria-label=move || labelled(t_string!(i18n, automation_down))
                        disabled=move || { let (at, len) = place.get(); at.is_none_or(|a| a + 1 >= len) }
                        on:click=move |_| act.run(Work::Move(id, false))>{t!(i18n, automation_down)}</button>
                    <button type="button" class="danger" aria-label=move || labelled(t_string!(i18n, automation_delete))
                        on:click=move |_| act.run(Work::Remove(id))>{t!(i18n, automation_delete)}</button>
                </div>
            </article>
        </li>
    }
}
