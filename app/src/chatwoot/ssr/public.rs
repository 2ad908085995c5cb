//! Chatwoot's Client API (`/public/api/v1/inboxes/{inbox_identifier}/…`) for API
//! inboxes, over the website visitors' own machinery: a contact made here is an
//! anonymous visitor of the inbox (its `source_id` is a visitor token, stored as its
//! hash; what it says its name and email are stay claims, never used to join another
//! contact), its messages go through the same `receive_in_tx` as every channel's,
//! and the widget's rate limits apply per inbox and per address.
pub mod cable;
pub mod contacts;
pub mod conversations;
pub mod messages;

use crate::db::Db;
use crate::error::AppError;
use crate::widget::ssr::identity;
use crate::widget::ssr::WidgetInbox;

/// The API inbox an identifier names (any other kind of inbox: not found).
pub async fn inbox(db: &Db, identifier: &str) -> Result<WidgetInbox, AppError> {
    crate::widget::ssr::inbox::by_public_token(db, identifier, crate::domain::ChannelKind::Api)
        .await
}

/// The customer a contact identifier names in this inbox.
#[derive(Debug, Clone)]
pub struct Customer {
    pub inbox: WidgetInbox,
    pub identity_id: i64,
    pub contact_id: i64,
    pub source_id: String,
}

/// Finds the inbox and the customer of a path (either unknown: not found).
pub async fn customer(db: &Db, identifier: &str, source_id: &str) -> Result<Customer, AppError> {
    let inbox = inbox(db, identifier).await?;
    let (identity_id, contact_id) = identity::by_token(db, inbox.id, source_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Customer {
        inbox,
        identity_id,
        contact_id,
        source_id: source_id.to_owned(),
    })
}

impl Customer {
    /// Whose pending uploads her files are (the widget's visitors' kind of owner).
    pub fn uploader_owner(&self) -> String {
        format!("visitor:{}", self.identity_id)
    }

    /// Her uploads: as a widget visitor's, with the inbox's channel's file limits.
    pub fn uploader(
        &self,
        pending: crate::storage::uploads::PendingLimit,
    ) -> crate::storage::uploads::Uploader {
        crate::storage::uploads::Uploader {
            account_id: self.inbox.account_id,
            owner: self.uploader_owner(),
            conversation_id: None,
            channel: self.inbox.channel,
            pending: Some(pending),
        }
    }

    /// The id of this customer's conversation number `number` (another's: not found).
    pub async fn conversation(&self, db: &Db, number: i64) -> Result<i64, AppError> {
        sqlx::query_scalar(
            "SELECT id FROM conversations WHERE account_id = $1 AND display_id = $2 AND contact_identity_id = $3",
        )
        .bind(self.inbox.account_id)
        .bind(number)
        .bind(self.identity_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
    }
}
