//! A verified webhook delivery: customers' messages go through the same routing and
//! `receive` service as every channel; statuses move outgoing messages forward.
use sqlx::Row;
use std::collections::HashMap;

use super::inbox::WhatsAppInbox;
use super::webhook::{incoming, status_update, Incoming, Payload, StatusUpdate};
use super::WhatsApp;
use crate::contacts::ssr::store::{customer_in_tx, CustomerProfile};
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::{external_id_stored, receive_in_tx, Inbound};
use crate::conversations::ssr::routing::conversation_for_inbound;
use crate::db::now_ms;
use crate::domain::DeliveryStatus;
use crate::error::AppError;

mod media;
mod media_queue;
mod updated;

use updated::message_updated_in_tx;

pub use media_queue::spawn as spawn_media_fetcher;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WebhookSummary {
    pub stored: usize,
    pub duplicates: usize,
    pub statuses: usize,
    /// Reactions put on (or taken off) the messages they answer.
    pub reactions: usize,
    pub ignored: usize,
}

/// Handles one delivery. An error (the database) answers 500 so Meta delivers again;
/// what was stored is recognised by its id and skipped. Customers' files are fetched
/// after the answer (`media_queue`).
pub async fn handle_webhook(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    payload: Payload,
) -> Result<WebhookSummary, AppError> {
    let mut files = Vec::new();
    let summary = handle_changes(wa, inbox, payload, &mut files).await;
    // Also after an error: what was stored before it has its files fetched.
    media_queue::fetch_now(wa, files);
    summary
}

async fn handle_changes(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    payload: Payload,
    files: &mut Vec<media_queue::Queued>,
) -> Result<WebhookSummary, AppError> {
    let mut summary = WebhookSummary::default();
    for change in payload.entry.into_iter().flat_map(|e| e.changes) {
        let value = change.value;
        let number = value
            .metadata
            .as_ref()
            .and_then(|m| m.phone_number_id.as_deref());
        if inbox.phone_number_id.is_empty() || number != Some(inbox.phone_number_id.as_str()) {
            // Another number of the same app, or a change that does not say whose it
            // is: not this inbox's to store.
            summary.ignored += value.messages.len() + value.statuses.len();
            continue;
        }
        // Her profile name, by number and by business-scoped user id.
        let names: HashMap<String, String> = value
            .contacts
            .iter()
            .flat_map(|c| {
                let name = c.profile.as_ref().and_then(|p| p.name.clone());
                [c.wa_id.clone(), c.user_id.clone()]
                    .into_iter()
                    .flatten()
                    .filter_map(move |key| Some((key, name.clone()?)))
            })
            .collect();
        for message in &value.messages {
            let Some(mut incoming) = incoming(message) else {
                summary.ignored += 1;
                continue;
            };
            let unrecorded_id = super::user_ids::resolve(wa, inbox, &mut incoming).await?;
            let name = names
                .get(&incoming.from)
                .or_else(|| incoming.user_id.as_ref().and_then(|u| names.get(u)));
            let done = if incoming.previous_user_id.is_some() {
                super::user_ids::changed(wa, inbox, &incoming).await?
            } else if incoming.changed_number_to.is_some() {
                super::number_change::follow(wa, inbox, &incoming).await?
            } else if super::reaction::reaction_of(&incoming).is_some() {
                let reacted = super::reaction::react(wa, inbox, &incoming).await?;
                summary.reactions += usize::from(reacted);
                summary.ignored += usize::from(!reacted);
                continue;
            } else {
                let stored = super::survey::answered(wa, inbox, &incoming).await?
                    || receive_one(wa, inbox, &incoming, name, files).await?;
                // Also for a redelivery: the first delivery may have stored the
                // message and failed before recording her id.
                if unrecorded_id {
                    super::user_ids::remember(wa, inbox, &incoming).await?;
                }
                summary.stored += usize::from(stored);
                summary.duplicates += usize::from(!stored);
                continue;
            };
            if done {
                summary.stored += 1;
            } else {
                summary.ignored += 1;
            }
        }
        for status in &value.statuses {
            match status_update(status) {
                Some(update) => {
                    apply_status(wa, inbox.id, &update).await?;
                    summary.statuses += 1;
                }
                None => summary.ignored += 1,
            }
        }
    }
    Ok(summary)
}

/// Stores one customer message; `false` when it was already stored. A message with a
/// file is marked as waiting for it, and its id goes to `files` to fetch.
async fn receive_one(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
    name: Option<&String>,
    files: &mut Vec<media_queue::Queued>,
) -> Result<bool, AppError> {
    if external_id_stored(&wa.db, inbox.id, &incoming.id).await? {
        return Ok(false);
    }
    let extra = match (&incoming.extra, &incoming.media) {
        (None, Some(_)) => Some(MessageExtra::FileComing),
        (extra, _) => extra.clone(),
    };
    let phone = wa.phone_of(&incoming.from);
    let profile = CustomerProfile {
        name: name.cloned(),
        email: None,
        phone,
    };
    let result = async {
        let mut tx = wa.db.begin_write().await?;
        let (identity, contact) = customer_in_tx(
            &mut tx,
            inbox.account_id,
            inbox.id,
            "whatsapp",
            &incoming.from,
            &profile,
        )
        .await?;
        let conversation =
            conversation_for_inbound(&mut tx, inbox.account_id, inbox.id, contact, Some(identity))
                .await?;
        let inbound = Inbound {
            body: &incoming.body,
            external_id: Some(&incoming.id),
            content_type: &incoming.content_type,
            extra: extra.as_ref(),
            attachments: &[],
            at: incoming.at.unwrap_or_else(now_ms),
            reply_to_external: incoming.context.as_deref(),
        };
        let message = receive_in_tx(&mut tx, conversation, contact, &inbound).await?;
        let queued = match &incoming.media {
            Some(media) => Some(
                media_queue::enqueue_in_tx(
                    &mut tx,
                    message.id,
                    inbox.id,
                    media,
                    &incoming.content_type,
                )
                .await?,
            ),
            None => None,
        };
        wa.hub.commit(tx).await?;
        Ok::<_, AppError>(queued)
    }
    .await;
    match result {
        Ok(file) => {
            files.extend(file);
            Ok(true)
        }
        Err(err) => {
            // A concurrent delivery of the same message may have won: the duplicate case.
            if external_id_stored(&wa.db, inbox.id, &incoming.id)
                .await
                .unwrap_or(false)
            {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

fn rank(status: Option<DeliveryStatus>) -> i32 {
    match status {
        None | Some(DeliveryStatus::Sending) => 0,
        Some(DeliveryStatus::Sent) => 1,
        Some(DeliveryStatus::Delivered) => 2,
        Some(DeliveryStatus::Read) => 3,
        Some(DeliveryStatus::Failed) => 4,
    }
}

/// Whether a report moves a message forward: statuses arrive out of order, and a
/// message already read is not "delivered" again; a failure counts until it is read.
pub fn advances(current: Option<DeliveryStatus>, reported: DeliveryStatus) -> bool {
    match reported {
        DeliveryStatus::Failed => rank(current) < rank(Some(DeliveryStatus::Read)),
        _ => rank(Some(reported)) > rank(current),
    }
}

/// Whether a WhatsApp message is being handed to Meta right now (its outbox row is
/// leased until the worker records Meta's id and lets it go).
async fn sending_now(db: &crate::db::Db) -> Result<bool, AppError> {
    let busy: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE state = 'pending' AND channel_kind = $1 AND locked_until > $2 LIMIT 1",
    )
    .bind(crate::domain::ChannelKind::WhatsApp.as_str())
    .bind(crate::db::now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(busy.is_some())
}

async fn apply_status(wa: &WhatsApp, inbox_id: i64, update: &StatusUpdate) -> Result<(), AppError> {
    // A report can overtake the outbox worker recording Meta's id for the message:
    // wait briefly for it before giving up on this report — but only while a WhatsApp
    // send is in flight. Reports of messages sent from elsewhere (Meta Business Suite,
    // the business app on the same number) are ignored at once: a delivery carrying
    // many of them would otherwise wait two seconds each and outlast Meta's timeout.
    let mut found = None;
    for attempt in 0..6 {
        // Asked before looking: a send that is not in flight now has either recorded
        // its id already (the lookup finds it) or has not reached Meta yet.
        let in_flight = sending_now(&wa.db).await?;
        found = sqlx::query(
            "SELECT id, conversation_id, delivery_status FROM messages \
             WHERE inbox_id = $1 AND external_id = $2 AND direction = 'outgoing'",
        )
        .bind(inbox_id)
        .bind(&update.message_id)
        .fetch_optional(&wa.db.pool)
        .await?;
        if found.is_some() || !in_flight {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100 * (attempt + 1))).await;
    }
    let Some(row) = found else {
        tracing::info!(id = %update.message_id, "status for a message Charla did not send; ignored");
        return Ok(());
    };
    let message_id: i64 = row.try_get("id")?;
    let conversation_id: i64 = row.try_get("conversation_id")?;
    let current: Option<String> = row.try_get("delivery_status")?;
    if !advances(
        current.as_deref().and_then(DeliveryStatus::parse),
        update.status,
    ) {
        return Ok(());
    }
    let now = now_ms();
    let mut tx = wa.db.begin_write().await?;
    sqlx::query(
        "UPDATE messages SET delivery_status = $1, delivery_error = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(update.status.as_str())
    .bind(update.error.as_deref())
    .bind(now)
    .bind(message_id)
    .execute(tx.conn())
    .await?;
    if update.status == DeliveryStatus::Failed {
        // So the agent's "retry" can queue it again.
        sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1, updated_at = $2 WHERE message_id = $3")
            .bind(update.error.as_deref())
            .bind(now)
            .bind(message_id)
            .execute(tx.conn())
            .await?;
    }
    message_updated_in_tx(&mut tx, message_id, conversation_id, inbox_id).await?;
    wa.hub.commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryStatus::*;

    #[test]
    fn statuses_only_move_forward() {
        assert!(advances(Some(Sending), Sent));
        assert!(advances(Some(Sent), Read));
        assert!(!advances(Some(Read), Delivered));
        assert!(!advances(Some(Delivered), Delivered));
        assert!(advances(Some(Sent), Failed));
        assert!(!advances(Some(Read), Failed));
        assert!(!advances(Some(Failed), Failed));
        assert!(!advances(Some(Failed), Delivered));
    }
}
