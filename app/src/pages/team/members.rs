//! The team's agents: each with role, active state and her own limit of open
//! conversations for automatic assignment (changed in place), and the form that
//! creates one (with a password, or an invitation link she chooses hers with).
use leptos::prelude::*;

use crate::agents::model::MAX_OPEN_LIMIT;
use crate::agents::{
    create_agent, invitation_link, invite_agent, set_agent_capacity, update_agent, TeamMember,
};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::clipboard::{copy_text, select_all};
use crate::ui::role_text;

#[component]
pub(super) fn AgentsSection(
    team: Vec<TeamMember>,
    refresh: Callback<Result<(), AppError>>,
    invitation: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = team
        .into_iter()
        .map(|member| {
            let id = member.profile.id;
            let role = member.profile.role;
            let active = member.active;
            let name = member.profile.name.clone();
            let role_label = format!("{} — {}", t_string!(i18n, team_role), name);
            let toggle_label = if active {
                format!("{} {}", t_string!(i18n, team_deactivate), name)
            } else {
                format!("{} {}", t_string!(i18n, team_reactivate), name)
            };
            let change_role = move |ev| {
                let role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Agent);
                leptos::task::spawn_local(async move {
                    refresh.run(update_agent(id, role, active).await);
                });
            };
            let capacity_label = format!("{} — {}", t_string!(i18n, team_capacity), name);
            let max_open = member.max_open;
            let change_capacity = move |ev| {
                let text = event_target_value(&ev);
                let value = if text.trim().is_empty() { Ok(0) } else { text.trim().parse::<i64>() };
                leptos::task::spawn_local(async move {
                    let result = match value {
                        Ok(n) => set_agent_capacity(id, n).await,
                        Err(_) => Err(AppError::validation("max_open", "capacity_out_of_range")),
                    };
                    refresh.run(result);
                });
            };
            let toggle = move |_| {
                leptos::task::spawn_local(async move {
                    refresh.run(update_agent(id, role, !active).await);
                });
            };
            let invited = member.invited && active;
            let renew_label = t_string!(i18n, team_new_invitation, name = name.clone()).to_string();
            let invitee = name.clone();
            let renew = move |_| {
                let invitee = invitee.clone();
                leptos::task::spawn_local(async move {
                    match invitation_link(id).await {
                        Ok(path) => invitation.set(Some((invitee, path))),
                        Err(err) => refresh.run(Err(err)),
                    }
                });
            };
            view! {
                <tr class:inactive=!active>
                    <th scope="row">{name.clone()}</th>
                    <td>{member.profile.email.clone()}</td>
                    <td>
                        <select aria-label=role_label on:change=change_role>
                            {Role::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=*r == role>{move || role_text(i18n, *r)}</option>
                            }).collect_view()}
                        </select>
                    </td>
                    <td>
                        <input type="number" class="capacity" min="0" max=MAX_OPEN_LIMIT step="1" inputmode="numeric"
                            aria-label=capacity_label aria-describedby="capacity-hint"
                            value=(max_open > 0).then(|| max_open.to_string()) on:change=change_capacity />
                    </td>
                    <td>{if invited { t_string!(i18n, team_invited) } else if active { t_string!(i18n, team_active) } else { t_string!(i18n, team_inactive) }}</td>
                    <td class="row-actions">
                        {invited.then(|| view! { <button type="button" class="secondary" on:click=renew.clone()>{renew_label.clone()}</button> })}
                        <button type="button" class="secondary" on:click=toggle>{toggle_label}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="agents-title">
            <h2 id="agents-title">{t!(i18n, team_agents)}</h2>
            <table class="contact-table team-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, contact_name)}</th>
                    <th scope="col">{t!(i18n, email_label)}</th>
                    <th scope="col">{t!(i18n, team_role)}</th>
                    <th scope="col">{t!(i18n, team_capacity)}</th>
                    <th scope="col">{t!(i18n, team_state)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, team_actions)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p id="capacity-hint" class="muted">{t!(i18n, team_capacity_hint)}</p>
            <InvitationLink invitation />
        </section>
    }
}

#[component]
pub(super) fn NewAgentForm(
    refresh: Callback<Result<(), AppError>>,
    invitation: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (e, n, r, p) = (
            email.get_untracked(),
            name.get_untracked(),
            role.get_untracked(),
            password.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = if p.is_empty() {
                invite_agent(e, n.clone(), r)
                    .await
                    .map(|path| invitation.set(Some((n.trim().to_owned(), path))))
            } else {
                create_agent(e, n, r, p).await.map(|_| ())
            };
            if result.is_ok() {
                email.set(String::new());
                name.set(String::new());
                password.set(String::new());
            }
            refresh.run(result);
        });
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="new-agent-title">
            <h2 id="new-agent-title">{t!(i18n, team_new_agent)}</h2>
            <div class="field">
                <label for="agent-email">{t!(i18n, email_label)}</label>
                <input id="agent-email" type="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="agent-name">{t!(i18n, contact_name)}</label>
                <input id="agent-name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="agent-role">{t!(i18n, team_role)}</label>
                <select id="agent-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Agent))>
                    <option value="agent">{t!(i18n, role_agent)}</option>
                    <option value="administrator">{t!(i18n, role_administrator)}</option>
                </select>
            </div>
            <div class="field">
                <label for="agent-password">{t!(i18n, team_initial_password)}</label>
                <input id="agent-password" type="text" autocomplete="off" aria-describedby="agent-password-hint" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <p id="agent-password-hint" class="muted">{t!(i18n, team_invitation_hint)}</p>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, team_create_agent)}</button>
            </div>
        </form>
    }
}

/// The link an invited agent chooses her password with, to copy and send her (it is
/// good for 7 days; a new one ends it).
#[component]
fn InvitationLink(invitation: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<bool>);
    // The page's own address, read in the browser (effects do not run on the server).
    let origin = RwSignal::new(String::new());
    Effect::new(move || origin.set(window().location().origin().unwrap_or_default()));
    let url = move || {
        invitation
            .get()
            .map(|(_, path)| format!("{}{path}", origin.get()))
    };
    Effect::new(move || {
        invitation.track();
        copied.set(None);
    });
    let copy = move |_| {
        if let Some(url) = url() {
            leptos::task::spawn_local(async move { copied.set(Some(copy_text(&url).await)) });
        }
    };
    view! {
        <div class="invitation-link">
            <p role="status">{move || invitation.get().map(|(name, _)| view! {
                {t!(i18n, team_invitation_made, name = name.clone())}
            })}</p>
            {move || invitation.get().map(|_| view! {
                <div class="copy-row">
                    <input type="text" readonly aria-label=t_string!(i18n, team_invitation_link)
                        prop:value=url on:focus=move |ev| select_all(&ev) />
                    <button type="button" class="secondary" on:click=copy>{t!(i18n, team_copy_link)}</button>
                </div>
            })}
            <p role="status">{move || copied.get().map(|done| if done {
                view! { <span>{t!(i18n, team_link_copied)}</span> }.into_any()
            } else {
                view! { <span class="error">{t!(i18n, token_copy_failed)}</span> }.into_any()
            })}</p>
        </div>
    }
}
