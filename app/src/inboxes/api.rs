//! The inboxes' server functions: the agent's own list, and for administrators
//! creating, renaming, the routing option and every channel's settings form (their
//! endpoints keep the `team/` prefix the team page has always called).
use super::model::InboxView;
use crate::error::AppError;
use leptos::prelude::*;

mod offline;
pub use offline::*;

#[cfg(feature = "ssr")]
use super::ssr;

#[cfg(feature = "ssr")]
use crate::auth::permission::admin_session;

/// The inboxes the signed-in agent works (administrators: all of the account).
#[server(endpoint = "inboxes", output = crate::wire::Json)]
pub async fn my_inboxes() -> Result<Vec<InboxView>, AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            ssr::manage::mine(&state.db, &session.agent).await
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
            ssr::forms::web_chat_settings(&state.db, &admin, id).await
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
            ssr::forms::save_web_chat(&state.db, &admin, id, &settings).await
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
            ssr::forms::reopens_resolved(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_routing", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_routing(id: i64, reopen_resolved: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::forms::set_reopens_resolved(&state.db, &admin, id, reopen_resolved).await
        }
        .await,
    )
}

/// An inbox's automatic assignment: (on, limit of open conversations per agent).
#[server(endpoint = "team/inbox_assignment", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn inbox_assignment(id: i64) -> Result<(bool, i64), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::forms::assignment(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_assignment", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_assignment(id: i64, enabled: bool, limit: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::forms::set_assignment(&state.db, &admin, id, enabled, limit).await
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
            ssr::forms::whatsapp_settings(&state.db, &state.settings.secrets, &admin, id).await
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
            ssr::forms::save_whatsapp(
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
            ssr::forms::admin_inbox(&state.db, &admin, id, crate::domain::ChannelKind::WhatsApp)
                .await?;
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
            ssr::forms::email_settings(&state.db, &state.settings.secrets, &admin, id).await
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
            ssr::forms::save_email(
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
            ssr::forms::admin_inbox(&state.db, &admin, id, crate::domain::ChannelKind::Email)
                .await?;
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

/// A web-chat or API inbox's identity secret (administrators), created on first view:
/// host sites and integrations sign their users' identifiers with it.
#[server(endpoint = "team/web_chat_identity_secret", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn web_chat_identity_secret(id: i64, regenerate: bool) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            // A web chat or an API inbox of the administrator's own account.
            let channel = ssr::manage::mine(&state.db, &admin)
                .await?
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| i.channel)
                .filter(|c| ssr::identity_secret::verifies(*c))
                .ok_or(AppError::NotFound)?;
            let secrets = &state.settings.secrets;
            if regenerate {
                ssr::identity_secret::regenerate(&state.db, secrets, id, channel).await
            } else {
                ssr::identity_secret::get(&state.db, secrets, id, channel).await
            }
        }
        .await,
    )
}

/// An inbox's business hours and out-of-office reply (issue 31).
#[server(endpoint = "team/inbox_business_hours", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn inbox_business_hours(
    id: i64,
) -> Result<crate::domain::business_hours::BusinessHours, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::business_hours::load(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_business_hours", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_business_hours(
    id: i64,
    hours: crate::domain::business_hours::BusinessHours,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::business_hours::save(&state.db, &admin, id, &hours).await
        }
        .await,
    )
}

/// An inbox's satisfaction survey: the switch and the question (issue 31).
#[server(endpoint = "team/inbox_csat", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn inbox_csat(id: i64) -> Result<crate::domain::csat::CsatSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::csat::load(&state.db, &admin, id).await
        }
        .await,
    )
}

#[server(endpoint = "team/save_inbox_csat", input = crate::wire::Json, output = crate::wire::Json)]
pub async fn save_inbox_csat(
    id: i64,
    settings: crate::domain::csat::CsatSettings,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::csat::save(&state.db, &admin, id, &settings).await
        }
        .await,
    )
}
