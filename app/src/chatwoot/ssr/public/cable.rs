//! Chatwoot's live updates for a Client API contact: ActionCable's `RoomChannel`,
//! subscribed with her `pubsub_token` (the contact identifier). Which customer a token
//! names, and what of the account's events she hears, in the shapes Chatwoot's client
//! SDKs read (`message.created`, `message.updated`, `conversation.status_changed`,
//! `conversation.typing_on` / `_off`). Never a private note, an activity line, or
//! anything of another contact's.
use std::collections::HashMap;

use serde_json::{json, Value};

use super::messages::Shaper;
use super::Customer;
use crate::conversations::model::ConversationSummary;
use crate::db::Db;
use crate::domain::MessageDirection;
use crate::error::AppError;
use crate::events::LiveEvent;
use crate::secrets::token::token_hash;

/// The API inbox's customer whose contact identifier `token` is, in whichever inbox.
pub async fn customer_by_pubsub(db: &Db, token: &str) -> Result<Customer, AppError> {
    let hash = token_hash(token);
    let identifier: Option<String> = sqlx::query_scalar(
        "SELECT inb.web_token FROM contact_identities ci JOIN inboxes inb ON inb.id = ci.inbox_id \
         WHERE ci.kind = 'visitor' AND ci.external_id = $1 \
         UNION ALL \
         SELECT inb.web_token FROM widget_sessions s JOIN contact_identities ci ON ci.id = s.identity_id \
         JOIN inboxes inb ON inb.id = ci.inbox_id WHERE s.token_hash = $2",
    )
    .bind(&hash)
    .bind(&hash)
    .fetch_optional(&db.pool)
    .await?;
    let identifier = identifier.ok_or(AppError::NotFound)?;
    super::customer(db, &identifier, token).await
}

/// One subscription: what a customer hears of her account's events.
pub struct Listener {
    pub customer: Customer,
    shaper: Shaper,
    /// Her conversations: id → number (`display_id`).
    numbers: HashMap<i64, i64>,
}

impl Listener {
    pub async fn new(db: &Db, customer: Customer, base_url: &str) -> Result<Listener, AppError> {
        let shaper = Shaper::load(db, &customer, base_url).await?;
        let mut listener = Listener {
            customer,
            shaper,
            numbers: HashMap::new(),
        };
        listener.reload(db).await?;
        Ok(listener)
    }

    async fn reload(&mut self, db: &Db) -> Result<(), AppError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, display_id FROM conversations WHERE contact_identity_id = $1",
        )
        .bind(self.customer.identity_id)
        .fetch_all(&db.pool)
        .await?;
        self.numbers = rows.into_iter().collect();
        Ok(())
    }

    /// Her conversation's number, if `conversation_id` is hers.
    pub fn number(&self, conversation_id: i64) -> Option<i64> {
        self.numbers.get(&conversation_id).copied()
    }

    /// What she hears of one event: Chatwoot's event name and its data.
    pub async fn hear(&mut self, db: &Db, event: &LiveEvent) -> Option<(&'static str, Value)> {
        match event {
            LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message } => {
                let number = self.number(message.conversation_id)?;
                if message.private || message.direction == MessageDirection::Activity {
                    return None;
                }
                let name = if matches!(event, LiveEvent::MessageCreated { .. }) {
                    "message.created"
                } else {
                    "message.updated"
                };
                serde_json::to_value(self.shaper.message(message, number))
                    .ok()
                    .map(|data| (name, data))
            }
            LiveEvent::ConversationChanged {
                conversation,
                previous,
            } => {
                if previous.is_none() && conversation.contact_id == self.customer.contact_id {
                    // A conversation of hers begun elsewhere (an agent's, the API's).
                    if let Err(err) = self.reload(db).await {
                        tracing::warn!(error = %err, "cable: her conversations not read");
                    }
                    return None;
                }
                let previous = previous.as_ref()?;
                (previous.status != conversation.status)
                    .then(|| self.status_changed(conversation))
                    .flatten()
            }
            _ => None,
        }
    }

    fn status_changed(&self, conversation: &ConversationSummary) -> Option<(&'static str, Value)> {
        let number = self.number(conversation.id)?;
        Some((
            "conversation.status_changed",
            json!({
                "id": number,
                "inbox_id": conversation.inbox_id,
                "status": crate::chatwoot::ssr::render::status(conversation.status),
                "contact_inbox": {"source_id": self.customer.source_id},
            }),
        ))
    }
}
