//! Ajustes. For now: the team and each teammate's availability, updated live.
use leptos::prelude::*;

use crate::agents::{list_team, AgentProfile};
use crate::domain::ChannelKind;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::inboxes::{my_inboxes, InboxView};
use crate::live::on_event;
use crate::ui::{availability_text, error_text, role_text};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let team = Resource::new(|| (), |_| list_team());
    let inboxes = Resource::new(|| (), |_| my_inboxes());
    let admin = use_context::<AgentProfile>().is_some_and(|a| a.role.is_admin());
    view! {
        <h1>{t!(i18n, settings_title)}</h1>
        <p><a href="/settings/profile">{t!(i18n, profile_link)}</a></p>
        {admin.then(|| view! { <p><a href="/settings/team">{t!(i18n, team_manage_link)}</a></p> })}
        // On a phone the bottom bar has no room for Informes: it is here.
        {admin.then(|| view! { <p><a href="/reports">{t!(i18n, reports_link)}</a></p> })}
        {admin.then(|| view! { <p><a href="/settings/automation">{t!(i18n, automation_link)}</a></p> })}
        <p><a href="/settings/macros">{t!(i18n, macros_link)}</a></p>
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
        <section aria-labelledby="embed-title">
            <h2 id="embed-title">{t!(i18n, embed_title)}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    let list = inboxes.await.unwrap_or_default();
                    list.into_iter()
                        .filter(|i| i.channel == ChannelKind::WebChat)
                        .map(|inbox| view! { <EmbedCode inbox /> })
                        .collect_view()
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

#[component]
fn EmbedCode(inbox: InboxView) -> impl IntoView {
    let i18n = use_i18n();
    let token = inbox.web_token.unwrap_or_default();
    // The site's own address is only known in the browser (proxies may rewrite it).
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        origin.set(window().location().origin().unwrap_or_default());
    });
    let snippet = {
        let token = token.clone();
        move || {
            format!(
                "<script src=\"{}/widget.js\" data-token=\"{token}\" async></script>",
                origin.get()
            )
        }
    };
    view! {
        <div class="embed">
            <h3>{inbox.name}</h3>
            <p class="muted">{t!(i18n, embed_help)}</p>
            <pre><code>{snippet}</code></pre>
            <a href=format!("/widget/{token}") target="_blank" rel="noopener">{t!(i18n, open_widget)}</a>
        </div>
    }
}
