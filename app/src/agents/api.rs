//! The team's server functions: members and their roles (administrators), inbox
//! membership, the signed-in agent's availability, and the team list.
use super::model::{AgentProfile, TeamMember};
#[cfg(feature = "ssr")]
use super::ssr;
use crate::domain::{Availability, Role};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::permission::admin_session;

/// Everyone in the account, deactivated agents included, with their inboxes.
#[server(endpoint = "team/members", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn team_members() -> Result<Vec<TeamMember>, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::members(&state.db, admin.account_id).await
        }
        .await,
    )
}

#[server(endpoint = "team/create_agent", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn create_agent(
    email: String,
    name: String,
    role: Role,
    password: String,
) -> Result<AgentProfile, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::create_agent(&state.db, &admin, &email, &name, role, &password).await
        }
        .await,
    )
}

/// Adds an agent without a password; the path of the link she chooses one with.
#[server(endpoint = "team/invite_agent", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn invite_agent(email: String, name: String, role: Role) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            let (agent, token) =
                ssr::manage::invite_agent(&state.db, &admin, &email, &name, role).await?;
            let mail = state.settings.invitation_mail.as_ref();
            ssr::invite_mail::send_later(&state.db, mail, &agent, &token);
            Ok(super::invitation_path(&token))
        }
        .await,
    )
}

/// A new link for an invited agent (the old one stops working); its path.
#[server(endpoint = "team/invitation_link", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn invitation_link(id: i64) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            let token = ssr::invite::renew(&state.db, &admin, id).await?;
            Ok(super::invitation_path(&token))
        }
        .await,
    )
}

/// Role and active state (deactivating ends the agent's sessions at once).
#[server(endpoint = "team/update_agent", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn update_agent(id: i64, role: Role, active: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::update_agent(&state.db, &state.hub, &admin, id, role, active).await
        }
        .await,
    )
}

/// The most open conversations automatic assignment gives the agent (0: no limit).
#[server(endpoint = "team/set_capacity", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn set_agent_capacity(id: i64, max_open: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::set_capacity(&state.db, &admin, id, max_open).await
        }
        .await,
    )
}

#[server(endpoint = "team/set_member", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn set_inbox_member(inbox_id: i64, agent_id: i64, member: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::set_member(&state.db, &state.hub, &admin, inbox_id, agent_id, member).await
        }
        .await,
    )
}

/// Sets the signed-in agent's availability; teammates see it change live.
#[server(endpoint = "set_availability", output = crate::wire::Json)]
pub async fn set_availability(availability: Availability) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            ssr::set_availability(&state.db, &state.hub, &session.agent, availability).await?;
            if availability == Availability::Online {
                // Conversations waiting in her inboxes may go to her now.
                state.presence.arrivals.notify_one();
            }
            Ok(())
        }
        .await,
    )
}

/// Everyone in the signed-in agent's account, by name.
#[server(endpoint = "list_team", output = crate::wire::Json)]
pub async fn list_team() -> Result<Vec<AgentProfile>, AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            ssr::list_team(&state.db, session.agent.account_id).await
        }
        .await,
    )
}
