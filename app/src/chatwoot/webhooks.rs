//! Webhooks (Ajustes > Equipo y bandejas > Webhooks): administrators add URLs with the
//! events each wants; Charla POSTs Chatwoot-shaped JSON to them, signed, through a
//! queue that retries and keeps a delivery log.
mod admin;
pub mod model;

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::Json;
pub use admin::WebhooksAdmin;
use model::{DeliveryView, WebhookInput, WebhookView};

#[cfg(feature = "ssr")]
use crate::chatwoot::ssr::webhooks::store;

#[server(endpoint = "webhooks/list", input = Json, output = Json)]
pub async fn list_webhooks() -> Result<Vec<WebhookView>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::list(&state.db, &state.settings.secrets, &agent).await
        }
        .await,
    )
}

#[server(endpoint = "webhooks/save", input = Json, output = Json)]
pub async fn save_webhook(id: Option<i64>, input: WebhookInput) -> Result<WebhookView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            let settings = &state.settings;
            store::save(
                &state.db,
                &settings.secrets,
                &settings.outbound,
                &agent,
                id,
                &input,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "webhooks/remove", input = Json, output = Json)]
pub async fn remove_webhook(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::remove(&state.db, &agent, id).await
        }
        .await,
    )
}

#[server(endpoint = "webhooks/deliveries", input = Json, output = Json)]
pub async fn webhook_deliveries(id: i64) -> Result<Vec<DeliveryView>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = crate::auth::permission::admin_session()?;
            store::deliveries(&state.db, &agent, id).await
        }
        .await,
    )
}
