//! API inboxes (Chatwoot's API channel) in Ajustes: the Client API identifier and the
//! URL the inbox's events go to, signed with a secret of its own.
use leptos::prelude::*;

use crate::domain::api_inbox::ApiInboxSettings;
use crate::error::AppError;
use crate::wire::Json;

#[server(endpoint = "api_inbox/settings", input = Json, output = Json)]
pub async fn load_api_inbox(id: i64) -> Result<ApiInboxSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = crate::auth::permission::admin_session()?;
            crate::chatwoot::ssr::api_inbox::settings(
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

#[server(endpoint = "api_inbox/save", input = Json, output = Json)]
pub async fn save_api_inbox(
    id: i64,
    settings: ApiInboxSettings,
) -> Result<ApiInboxSettings, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = crate::auth::permission::admin_session()?;
            crate::chatwoot::ssr::api_inbox::save(
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
