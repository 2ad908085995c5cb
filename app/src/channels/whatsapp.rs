//! The WhatsApp Cloud API channel: inbound webhooks (messages and delivery statuses),
//! the outbox adapter, and template sync. The webhook route lives in the server crate;
//! everything it calls is here.
pub mod graph;
mod inbound;
pub mod inbox;
mod number_change;
mod outbound;
mod reaction;
pub mod survey;
pub mod templates;
mod user_ids;
pub mod webhook;

pub use inbound::{handle_webhook, spawn_media_fetcher, WebhookSummary};
pub use outbound::WhatsAppAdapter;

use crate::db::Db;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;
use crate::storage::Files;
use graph::Graph;

/// What the channel's pieces share.
#[derive(Clone)]
pub struct WhatsApp {
    pub db: Db,
    pub hub: Hub,
    pub secrets: SecretBox,
    pub graph: Graph,
    pub files: Files,
    /// For reading customers' numbers (they arrive without `+`).
    pub default_country: String,
}

impl WhatsApp {
    pub fn from_state(state: &crate::state::AppState) -> WhatsApp {
        WhatsApp {
            db: state.db.clone(),
            hub: state.hub.clone(),
            secrets: state.settings.secrets.clone(),
            graph: state.graph.clone(),
            files: state.settings.files.clone(),
            default_country: state.settings.default_country.clone(),
        }
    }

    /// A customer's number as her contact keeps it. WhatsApp has verified it, so a range
    /// libphonenumber does not know yet keeps it too (`+` and the digits).
    pub fn phone_of(&self, wa_id: &str) -> Option<crate::domain::PhoneNumber> {
        crate::domain::PhoneNumber::parse(&format!("+{wa_id}"), &self.default_country)
            .ok()
            .or_else(|| crate::domain::PhoneNumber::from_wa_id(wa_id))
    }

    /// Syncs the templates of every configured WhatsApp inbox (the periodic sync).
    pub async fn sync_all_templates(&self) -> Result<usize, sqlx::Error> {
        let mut synced = 0;
        for id in inbox::all_ids(&self.db).await? {
            let Some(inbox) = inbox::load(&self.db, &self.secrets, id).await? else {
                continue;
            };
            if inbox.business_account_id.is_empty() || inbox.access_token.is_empty() {
                continue;
            }
            match templates::sync(&self.db, &self.graph, &inbox).await {
                Ok(_) => synced += 1,
                Err(err) => tracing::warn!(inbox = id, error = %err, "template sync failed"),
            }
        }
        Ok(synced)
    }
}
