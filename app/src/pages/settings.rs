//! Ajustes. For now: the team and each teammate's availability, updated live.
use leptos::prelude::*;

use crate::agents::{list_team, AgentProfile};
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::on_event;
use crate::ui::{availability_text, error_text, role_text};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let team = Resource::new(|| (), |_| list_team());
    view! {
        <h1>{t!(i18n, settings_title)}</h1>
        <section aria-labelledby="team-title">
            <h2 id="team-title">{t!(i18n, team_title)}</h2>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match team.await {
                        Ok(members) => view! { <TeamList members /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TeamList(members: Vec<AgentProfile>) -> impl IntoView {
    let i18n = use_i18n();
    let members = RwSignal::new(members);
    on_event(move |envelope| {
        if let LiveEvent::AgentAvailabilityChanged {
            agent_id,
            availability,
        } = envelope.event
        {
            members.update(|list| {
                if let Some(member) = list.iter_mut().find(|m| m.id == agent_id) {
                    member.availability = availability;
                }
            });
        }
    });
    view! {
        <ul class="team" aria-labelledby="team-title">
            <For each=move || members.get() key=|m| (m.id, m.availability) let:member>
                <li>
                    <span class="team-name">{member.shown_name().to_owned()}</span>
                    <span class="muted">{move || role_text(i18n, member.role)}</span>
                    <span class=format!("availability availability-{}", member.availability)>
                        {move || availability_text(i18n, member.availability)}
                    </span>
                </li>
            </For>
        </ul>
    }
}
