//! The inboxes: one card each (name, members, routing, and its channel's settings
//! form), and the form that creates one.
use leptos::prelude::*;

use super::api_inbox::ApiInboxForm;
use super::email::EmailForm;
use super::inbox_extras::{IdentitySecret, InboxAssignment, InboxRoutingSwitch};
use super::offline::OfflineForm;
use super::texts::channel_text;
use super::web_chat::WebChatForm;
use super::whatsapp::WhatsAppForm;
use crate::agents::{set_inbox_member, TeamMember};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::InboxView;
use crate::inboxes::{create_inbox, rename_inbox};

#[component]
pub(super) fn InboxesSection(
    team: Vec<TeamMember>,
    inboxes: Vec<InboxView>,
    refresh: Callback<Result<(), AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let team = StoredValue::new(team);
    let email_inboxes: Vec<(i64, String)> = inboxes
        .iter()
        .filter(|i| i.channel == ChannelKind::Email)
        .map(|i| (i.id, i.name.clone()))
        .collect();
    let cards = inboxes
        .into_iter()
        .map(|inbox| {
            let inbox_id = inbox.id;
            let new_name = RwSignal::new(inbox.name.clone());
            let rename_label = format!("{} — {}", t_string!(i18n, team_inbox_name), inbox.name);
            let legend = format!("{} {}", t_string!(i18n, team_members_of), inbox.name);
            let rename = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let name = new_name.get_untracked();
                leptos::task::spawn_local(async move {
                    refresh.run(rename_inbox(inbox_id, name).await);
                });
            };
            let boxes = team.with_value(|team| {
                team.iter()
                    .filter(|m| m.active)
                    .map(|m| {
                        let agent_id = m.profile.id;
                        let checked = m.inboxes.contains(&inbox_id);
                        let toggle = move |ev| {
                            let member = event_target_checked(&ev);
                            leptos::task::spawn_local(async move {
                                refresh.run(set_inbox_member(inbox_id, agent_id, member).await);
                            });
                        };
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" checked=checked on:change=toggle />
                                {m.profile.name.clone()}
                            </label>
                        }
                    })
                    .collect_view()
            });
            view! {
                <div class="inbox-card contact-form">
                    <h3>{inbox.name.clone()}" · "{channel_text(i18n, inbox.channel)}</h3>
                    <form class="rename" on:submit=rename>
                        <input type="text" aria-label=rename_label prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev)) />
                        <button type="submit" class="secondary">{t!(i18n, team_rename)}</button>
                    </form>
                    <fieldset>
                        <legend>{legend}</legend>
                        {boxes}
                    </fieldset>
                    <InboxRoutingSwitch inbox_id />
                    <InboxAssignment inbox_id />
                    <super::business_hours::BusinessHoursForm inbox_id />
                    <super::csat::CsatForm inbox_id />
                    {(inbox.channel == ChannelKind::WebChat).then(|| {
                        let email_inboxes = email_inboxes.clone();
                        view! { <WebChatForm inbox_id refresh /> <IdentitySecret inbox_id /> <OfflineForm inbox_id email_inboxes /> }
                    })}
                    {(inbox.channel == ChannelKind::WhatsApp).then(|| view! { <WhatsAppForm inbox_id /> })}
                    {(inbox.channel == ChannelKind::Email).then(|| view! { <EmailForm inbox_id /> })}
                    {(inbox.channel == ChannelKind::Api).then(|| view! { <ApiInboxForm inbox_id /> <IdentitySecret inbox_id api=true /> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="inboxes-title">
            <h2 id="inboxes-title">{t!(i18n, team_inboxes)}</h2>
            <p class="muted">{t!(i18n, team_inboxes_help)}</p>
            {cards}
        </section>
    }
}

#[component]
pub(super) fn NewInboxForm(refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let channel = RwSignal::new(ChannelKind::WebChat);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, c) = (name.get_untracked(), channel.get_untracked());
        leptos::task::spawn_local(async move {
            let result = create_inbox(n, c).await.map(|_| ());
            if result.is_ok() {
                name.set(String::new());
            }
            refresh.run(result);
        });
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="new-inbox-title">
            <h2 id="new-inbox-title">{t!(i18n, team_new_inbox)}</h2>
            <div class="field">
                <label for="inbox-name">{t!(i18n, team_inbox_name)}</label>
                <input id="inbox-name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="inbox-channel">{t!(i18n, team_channel)}</label>
                <select id="inbox-channel" on:change=move |ev| channel.set(ChannelKind::parse(&event_target_value(&ev)).unwrap_or(ChannelKind::WebChat))>
                    {ChannelKind::ALL.iter().map(|c| view! { <option value=c.as_str()>{move || channel_text(i18n, *c)}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, team_create_inbox)}</button>
            </div>
        </form>
    }
}
