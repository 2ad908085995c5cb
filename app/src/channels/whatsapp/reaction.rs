//! A customer's reaction lands on the message she reacted to, as WhatsApp shows it:
//! it is not a new message, so it neither reopens the conversation nor starts the
//! waiting clock nor draws the away reply. An empty emoji takes it back.
use sqlx::Row;

use super::inbox::WhatsAppInbox;
use super::webhook::Incoming;
use super::WhatsApp;
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::{account_of, message_in_tx};
use crate::db::now_ms;
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};

/// `(the reacted message's id at WhatsApp, the emoji)` when `incoming` is a reaction.
pub(super) fn reaction_of(incoming: &Incoming) -> Option<(&str, &str)> {
    match &incoming.extra {
        Some(MessageExtra::Reaction {
            emoji,
            to_external_id,
        }) => Some((to_external_id.as_str(), emoji.as_str())),
        _ => None,
    }
}

/// Puts the reaction on its message; `false` when there is nothing to change: the
/// message is not in this customer's conversations here (sent before Charla, or
/// another customer's), or a later reaction is already recorded.
pub(super) async fn react(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<bool, AppError> {
    let Some((target, emoji)) = reaction_of(incoming) else {
        return Ok(false);
    };
    let emoji: String = emoji.chars().take(16).collect();
    let at = incoming.at.unwrap_or_else(now_ms);
    let mut tx = wa.db.begin_write().await?;
    let found = sqlx::query(
        "SELECT m.id, m.conversation_id, m.reaction, m.reaction_at FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id \
         JOIN contact_identities ci ON ci.contact_id = c.contact_id AND ci.inbox_id = m.inbox_id \
         WHERE m.inbox_id = $1 AND m.external_id = $2 AND m.private = 0 \
         AND ci.kind = 'whatsapp' AND ci.external_id = $3",
    )
    .bind(inbox.id)
    .bind(target)
    .bind(&incoming.from)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = found else {
        tracing::info!(
            target,
            "reaction to a message Charla does not have; ignored"
        );
        return Ok(false);
    };
    let message_id: i64 = row.try_get("id")?;
    let conversation_id: i64 = row.try_get("conversation_id")?;
    let current: Option<String> = row.try_get("reaction")?;
    let current_at: Option<i64> = row.try_get("reaction_at")?;
    // Redelivered or overtaken by a later one (Meta's order is not guaranteed).
    let stale = current_at.is_some_and(|t| t > at);
    let wanted = (!emoji.is_empty()).then_some(emoji);
    if stale || (current == wanted && current_at.is_some()) {
        return Ok(false);
    }
    // Conditional, so two deliveries racing on PostgreSQL cannot leave the older one.
    let applied = sqlx::query(
        "UPDATE messages SET reaction = $1, reaction_at = $2, updated_at = $3 \
         WHERE id = $4 AND (reaction_at IS NULL OR reaction_at <= $2)",
    )
    .bind(wanted.as_deref())
    .bind(at)
    .bind(now_ms())
    .bind(message_id)
    .execute(tx.conn())
    .await?
    .rows_affected();
    if applied == 0 {
        return Ok(false);
    }
    let view = message_in_tx(tx.conn(), message_id).await?;
    let account_id = account_of(&mut tx, conversation_id).await?;
    tx.append_event(
        account_id,
        EventScope {
            inbox_id: Some(inbox.id),
            conversation_id: Some(conversation_id),
            agent_id: None,
        },
        LiveEvent::MessageUpdated { message: view },
    )
    .await?;
    wa.hub.commit(tx).await?;
    Ok(true)
}
