//! Ajustes > Macros (every agent, issue 32): the macros she may run (the team's shared
//! ones and her own), each with what it does and who sees it; written, changed and
//! deleted here by whoever may (her own; a shared one also by an administrator).
//! They are run from the conversation's menu and from the command palette.
use leptos::prelude::*;

use super::choices::{self, Choices};
use super::macro_form::{refusal_text, MacroForm};
use super::texts::action_text;
use crate::automation::macros::{list_macros, remove_macro, Macro};
use crate::domain::automation::macros::Visibility;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

async fn load() -> Result<(Vec<Macro>, Choices), AppError> {
    Ok((list_macros().await?, choices::load().await?))
}

/// Which form is open: none, a new macro, or the macro with this id.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Editing {
    Closed,
    New,
    Macro(i64),
}

#[component]
pub fn MacrosPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| load());
    view! {
        <div class="automation">
            <h1>{t!(i18n, macros_title)}</h1>
            <p class="muted">{t!(i18n, macros_help)}</p>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((macros, choices)) => view! { <MacroList macros choices /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn MacroList(macros: Vec<Macro>, choices: Choices) -> impl IntoView {
    let i18n = use_i18n();
    let macros = RwSignal::new(macros);
    let editing = RwSignal::new(Editing::Closed);
    let failure = RwSignal::new(None::<String>);
    let done = Callback::new(move |saved: Option<Macro>| {
        if let Some(saved) = saved {
            macros.update(|list| {
                match list.iter_mut().find(|m| m.id == saved.id) {
                    Some(old) => *old = saved,
                    None => list.push(saved),
                }
                list.sort_by_key(|m| (m.name.to_lowercase(), m.id));
            });
        }
        editing.set(Editing::Closed);
    });
    let remove = Callback::new(move |id: i64| {
        leptos::task::spawn_local(async move {
            match remove_macro(id).await {
                Ok(()) => {
                    failure.set(None);
                    macros.update(|list| list.retain(|m| m.id != id));
                }
                Err(err) => failure.set(Some(refusal_text(i18n, &err))),
            }
        });
    });
    let form = move || {
        let editing_macro = match editing.get() {
            Editing::Closed => return None,
            Editing::New => None,
            Editing::Macro(id) => macros.with_untracked(|l| l.iter().find(|m| m.id == id).cloned()),
        };
        Some(view! { <MacroForm editing=editing_macro choices=choices.clone() on_done=done /> })
    };
    view! {
        <div class="page-actions">
            <button type="button" class="primary" on:click=move |_| editing.set(Editing::New)>{t!(i18n, macro_new)}</button>
        </div>
        {form}
        {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
        <Show when=move || macros.with(Vec::is_empty)>
            <p class="muted">{t!(i18n, macros_empty)}</p>
        </Show>
        <ul class="rule-list" aria-label=move || t_string!(i18n, macros_title)>
            <For each=move || macros.with(|l| l.iter().map(|m| m.id).collect::<Vec<_>>()) key=|id| *id let:id>
                <MacroCard id macros editing remove />
            </For>
        </ul>
    }
}

#[component]
fn MacroCard(
    id: i64,
    macros: RwSignal<Vec<Macro>>,
    editing: RwSignal<Editing>,
    remove: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let saved = Memo::new(move |_| macros.with(|l| l.iter().find(|m| m.id == id).cloned()));
    let title_id = format!("macro-{id}-title");
    let heading_id = title_id.clone();
    let name = move || saved.with(|m| m.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let actions = move || {
        saved.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.actions
                        .iter()
                        .map(|a| action_text(i18n, &a.action_name))
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .unwrap_or_default()
        })
    };
    let shared = move || {
        saved.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.visibility == Visibility::Global)
        })
    };
    let editable = move || saved.with(|m| m.as_ref().is_some_and(|m| m.editable));
    let labelled = move |verb: &'static str| format!("{verb} {}", name());
    view! {
        <li>
            <article class="contact-form rule-card" aria-labelledby=title_id>
                <h2 id=heading_id>{name}</h2>
                <p>{actions}</p>
                <p class="muted">{move || if shared() { t_string!(i18n, macro_global) } else { t_string!(i18n, macro_personal) }}</p>
                <Show when=editable>
                    <div class="form-actions">
                        <button type="button" class="secondary" aria-label=move || labelled(t_string!(i18n, automation_edit))
                            on:click=move |_| editing.set(Editing::Macro(id))>{t!(i18n, automation_edit)}</button>
                        <button type="button" class="danger" aria-label=move || labelled(t_string!(i18n, automation_delete))
                            on:click=move |_| remove.run(id)>{t!(i18n, automation_delete)}</button>
                    </div>
                </Show>
            </article>
        </li>
    }
}
