//! Ajustes > Equipo y bandejas > Equipos (administrators): each team with its members
//! (a checkbox per agent) and removal, and the form that adds one.
use leptos::prelude::*;

use super::api::{list_teams, remove_team, save_team, set_team_members};
use super::model::Team;
use crate::agents::{list_team, AgentProfile};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

#[component]
pub fn TeamsAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let teams = RwSignal::new(Vec::<Team>::new());
    let agents = RwSignal::new(Vec::<AgentProfile>::new());
    let error = RwSignal::new(None::<AppError>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match list_teams().await {
                Ok(items) => teams.set(items),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // Effects run only in the browser (no task spawning while rendering on the server).
    Effect::new(move |_| {
        load();
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_team().await {
                agents.set(list);
            }
        });
    });
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, d) = (name.get_untracked(), description.get_untracked());
        leptos::task::spawn_local(async move {
            match save_team(None, n, d).await {
                Ok(_) => {
                    name.set(String::new());
                    description.set(String::new());
                    error.set(None);
                    load();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let toggle = move |team: i64, agent: i64, on: bool| {
        let mut ids = teams.with_untracked(|list| {
            list.iter()
                .find(|t| t.id == team)
                .map(|t| t.member_ids.clone())
                .unwrap_or_default()
        });
        ids.retain(|id| *id != agent);
        if on {
            ids.push(agent);
        }
        leptos::task::spawn_local(async move {
            match set_team_members(team, ids).await {
                Ok(_) => error.set(None),
                Err(err) => error.set(Some(err)),
            }
            load();
        });
    };
    view! {
        <section class="contact-form" aria-labelledby="teams-title">
            <h2 id="teams-title">{t!(i18n, teams_title)}</h2>
            <p class="muted">{t!(i18n, teams_help)}</p>
            <Show when=move || teams.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_teams)}</p>
            </Show>
            <ul class="team-list">
                <For each=move || teams.get() key=|t| (t.id, t.name.clone(), t.description.clone(), t.member_ids.clone()) let:team>
                    {
                        let id = team.id;
                        let remove_name = format!("{} {}", t_string!(i18n, team_remove), team.name);
                        let members_label = format!("{} {}", t_string!(i18n, team_members_of), team.name);
                        let member_ids = team.member_ids.clone();
                        view! {
                            <li class="team">
                                <strong>{team.name.clone()}</strong>
                                <span class="muted">{team.description.clone()}</span>
                                <fieldset class="team-members">
                                    <legend>{members_label}</legend>
                                    <For each=move || agents.get() key=|a| a.id let:agent>
                                        {
                                            let agent_id = agent.id;
                                            let checked = member_ids.contains(&agent_id);
                                            view! {
                                                <label class="check">
                                                    <input type="checkbox" prop:checked=checked on:change=move |ev| toggle(id, agent_id, event_target_checked(&ev)) />
                                                    <span>{agent.name.clone()}</span>
                                                </label>
                                            }
                                        }
                                    </For>
                                </fieldset>
                                <button type="button" class="link" aria-label=remove_name on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        match remove_team(id).await {
                                            Ok(()) => error.set(None),
                                            Err(err) => error.set(Some(err)),
                                        }
                                        load();
                                    });
                                }>{t!(i18n, team_remove)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="team-name">{t!(i18n, team_name)}</label>
                    <input id="team-name" type="text" maxlength="60"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="team-description">{t!(i18n, team_description)}</label>
                    <input id="team-description" type="text" maxlength="200"
                        prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                </div>
                {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary">{t!(i18n, team_add)}</button>
                </div>
            </form>
        </section>
    }
}
