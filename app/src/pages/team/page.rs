//! The page itself: loads the team and the inboxes, shows each section, and reloads
//! after every change (showing the server's refusal, if any).
use leptos::prelude::*;

use super::canned_responses::CannedSection;
use super::inboxes::{InboxesSection, NewInboxForm};
use super::members::{AgentsSection, NewAgentForm};
use super::texts::refusal;
use crate::agents::team_members;
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::my_inboxes;
use crate::labels::LabelsAdmin;
use crate::teams::TeamsAdmin;
use crate::ui::error_text;

#[component]
pub fn TeamAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let data = Resource::new(
        move || reload.get(),
        |_| async move {
            let team = team_members().await?;
            let inboxes = my_inboxes().await?;
            Ok::<_, AppError>((team, inboxes))
        },
    );
    let feedback = RwSignal::new(None::<String>);
    // The last invitation link made (her name, its path); it outlives the reloads.
    let invitation = RwSignal::new(None::<(String, String)>);
    let refresh = Callback::new(move |result: Result<(), AppError>| {
        match result {
            Ok(()) => feedback.set(None),
            Err(err) => feedback.set(Some(refusal(i18n, &err))),
        }
        reload.update(|n| *n += 1);
    });
    view! {
        <h1>{t!(i18n, team_admin_title)}</h1>
        <p role="alert" class="error">{move || feedback.get()}</p>
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((team, inboxes)) => view! {
                        <AgentsSection team=team.clone() refresh invitation />
                        <NewAgentForm refresh invitation />
                        <InboxesSection team inboxes=inboxes.clone() refresh />
                        <NewInboxForm refresh />
                        <CannedSection refresh />
                        <LabelsAdmin />
                        <crate::attributes::AttributesAdmin />
                        <TeamsAdmin />
                        <crate::chatwoot::webhooks::WebhooksAdmin />
                        <crate::chatwoot::bots::BotsAdmin inboxes />
                    }.into_any(),
                    Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
