//! The agent's access token for the Chatwoot-compatible API (`api_access_token`
//! header): shown in Mi perfil with copy and regenerate. A token acts as its agent,
//! with her role and inbox membership, nothing more.
pub mod model;
mod settings;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::Json;
pub use model::AccessTokenView;
pub use settings::AccessTokenSettings;

/// The signed-in agent's token, made on first ask.
#[server(endpoint = "profile/access_token", input = Json, output = Json)]
pub async fn access_token() -> Result<AccessTokenView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::signed_in()?;
            ssr::current(&state.db, &state.settings.secrets, agent.id).await
        }
        .await,
    )
}

/// A new token; the old one stops working at once.
#[server(endpoint = "profile/access_token/regenerate", input = Json, output = Json)]
pub async fn regenerate_access_token() -> Result<AccessTokenView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::signed_in()?;
            ssr::regenerate(&state.db, &state.settings.secrets, agent.id).await
        }
        .await,
    )
}
