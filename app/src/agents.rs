//! Agents as the dashboard sees them: the signed-in profile, teammates and their
//! availability.
pub mod profile;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::domain::{Availability, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An agent on the wire. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub availability: Availability,
}

impl AgentProfile {
    /// The name teammates and customers see.
    pub fn shown_name(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.name)
    }
}

/// An agent as administrators manage them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub profile: AgentProfile,
    pub active: bool,
    /// Inboxes they are a member of.
    pub inboxes: Vec<i64>,
}

#[cfg(feature = "ssr")]
fn admin_session() -> Result<(crate::state::AppState, AgentProfile), AppError> {
    let session = crate::state::current_session()?;
    ssr::manage::require_admin(&session.agent)?;
    Ok((crate::state::app_state()?, session.agent))
}

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

#[server(endpoint = "team/create_inbox", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn create_inbox(
    name: String,
    channel: crate::domain::ChannelKind,
) -> Result<i64, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::create_inbox(&state.db, &admin, &name, channel).await
        }
        .await,
    )
}

#[server(endpoint = "team/rename_inbox", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn rename_inbox(id: i64, name: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::rename_inbox(&state.db, &admin, id, &name).await
        }
        .await,
    )
}

#[server(endpoint = "team/web_chat_settings", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn web_chat_settings(
    id: i64,
) -> Result<crate::domain::web_chat::WebChatSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::web_chat_settings(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_web_chat", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_web_chat(
    id: i64,
    settings: crate::domain::web_chat::WebChatSettings,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::manage::save_web_chat(&state.db, &admin, id, &settings).await
        }
        .await,
    )
}

/// The web-chat inbox's identity secret (administrators), created on first view: host
/// sites sign their users' identifiers with it.
#[server(endpoint = "team/web_chat_identity_secret", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn web_chat_identity_secret(id: i64, regenerate: bool) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            // The inbox must be a web chat of the administrator's own account.
            ssr::manage::web_chat_settings(&state.db, &admin, id).await?;
            let secrets = &state.settings.secrets;
            if regenerate {
                crate::widget::ssr::identity::regenerate_identity_secret(&state.db, secrets, id)
                    .await
            } else {
                crate::widget::ssr::identity::identity_secret(&state.db, secrets, id).await
            }
        }
        .await,
    )
}

/// Whether the inbox reopens a resolved conversation when the customer writes again
/// (else a new one opens).
#[server(endpoint = "team/inbox_routing", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn inbox_routing(id: i64) -> Result<bool, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::conversations::ssr::routing::inbox_reopens_resolved(
                &state.db,
                admin.account_id,
                id,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_routing", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_routing(id: i64, reopen_resolved: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::conversations::ssr::routing::set_reopens_resolved(
                &state.db,
                admin.account_id,
                id,
                reopen_resolved,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "team/whatsapp_settings", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn whatsapp_settings(
    id: i64,
) -> Result<crate::domain::whatsapp::WhatsAppSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::channels::whatsapp::inbox::settings_view(
                &state.db,
                &state.settings.secrets,
                &admin,
                id,
            )
            .await
        }
        .await,
    )
}

/// Saves a WhatsApp inbox's settings; an empty secret keeps the stored one.
#[server(endpoint = "team/save_whatsapp", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_whatsapp(
    id: i64,
    settings: crate::domain::whatsapp::WhatsAppSettingsInput,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::channels::whatsapp::inbox::save(
                &state.db,
                &state.settings.secrets,
                &state.settings.outbound,
                &admin,
                id,
                &settings,
            )
            .await
        }
        .await,
    )
}

/// Sincronizar plantillas: fetches the business account's templates now; how many. A
/// failure reaches the browser as a code (`graph`: unreachable, address_not_allowed,
/// failed); Meta's (or any server's) own words only reach the log.
#[server(endpoint = "team/sync_templates", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn sync_whatsapp_templates(id: i64) -> Result<usize, AppError> {
    crate::error::with_status(
        async move {
            use crate::channels::whatsapp::{inbox, templates};
            let (state, admin) = admin_session()?;
            // Checks the inbox is this administrator's.
            inbox::settings_view(&state.db, &state.settings.secrets, &admin, id).await?;
            let config = inbox::load(&state.db, &state.settings.secrets, id)
                .await?
                .ok_or(AppError::NotFound)?;
            templates::sync(&state.db, &state.graph, &config)
                .await
                .map_err(|err| match err {
                    templates::SyncError::NotConfigured => {
                        AppError::validation("access_token", "required")
                    }
                    templates::SyncError::Graph(e) => {
                        tracing::warn!(inbox = id, error = %e.text(), "template sync failed");
                        AppError::validation("graph", e.failure().code())
                    }
                    templates::SyncError::Database(e) => AppError::from(e),
                })
        }
        .await,
    )
}

#[server(endpoint = "team/email_settings", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn email_settings(
    id: i64,
) -> Result<crate::domain::email_inbox::EmailSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::channels::email::inbox::settings_view(
                &state.db,
                &state.settings.secrets,
                &admin,
                id,
            )
            .await
        }
        .await,
    )
}

/// Saves an email inbox's settings; an empty password keeps the stored one.
#[server(endpoint = "team/save_email", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_email(
    id: i64,
    settings: crate::domain::email_inbox::EmailSettingsInput,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            crate::channels::email::inbox::save(
                &state.db,
                &state.settings.secrets,
                &state.settings.outbound,
                &admin,
                id,
                &settings,
            )
            .await
        }
        .await,
    )
}

/// "Probar conexión" for the saved SMTP (`server: "smtp"`) or IMAP settings: Ok, or
/// a validation error whose code says only what failed (unreachable, auth_failed,
/// address_not_allowed, failed); the server's own words only reach the log.
#[server(endpoint = "team/test_email", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn test_email_connection(id: i64, server: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            use crate::channels::email::{imap, inbox, smtp};
            let (state, admin) = admin_session()?;
            inbox::settings_view(&state.db, &state.settings.secrets, &admin, id).await?;
            let config = inbox::load(&state.db, &state.settings.secrets, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let outbound = &state.settings.outbound;
            let outcome = match server.as_str() {
                "smtp" => smtp::test_connection(outbound, &config).await,
                "imap" => {
                    imap::test_connection(
                        outbound,
                        &config.imap,
                        &config.imap_password,
                        &config.imap_mailbox,
                    )
                    .await
                }
                _ => return Err(AppError::validation("server", "invalid")),
            };
            outcome.map_err(|err| {
                tracing::warn!(inbox = id, server = %server, error = %err, "email connection test failed");
                AppError::validation(&server, err.kind.code())
            })
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
            ssr::set_availability(&state.db, &state.hub, &session.agent, availability).await
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

#[cfg(test)]
mod tests;
