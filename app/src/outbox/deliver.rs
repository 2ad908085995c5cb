//! One pass of the worker: hand each claimed row to its channel's adapter, and record
//! the answers (at once for a channel that sends; together for one that is repeatable).
use sqlx::Row;

use super::claim;
use super::record::{self, Handed};
use crate::channels::adapter::{Adapters, Delivery, OutboundMessage};
use crate::db::{now_ms, Db};
use crate::domain::ChannelKind;
use crate::live::hub::Hub;

/// One pass over due rows; returns how many were handled.
pub async fn run_once(db: &Db, hub: &Hub, adapters: &Adapters) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let due = claim::due(db, now).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let claimed = claim::lease(db, &due, now).await?;
    let mut handled = 0;
    let mut repeatable = Vec::new();
    for row in due {
        let outbox_id: i64 = row.try_get("id")?;
        if !claimed.contains(&outbox_id) {
            continue;
        }
        let channel: String = row.try_get("channel_kind")?;
        let message = OutboundMessage {
            message_id: row.try_get("message_id")?,
            conversation_id: row.try_get("conversation_id")?,
            inbox_id: row.try_get("inbox_id")?,
            body: row.try_get("body")?,
            attempt: row.try_get::<i64, _>("attempts")? + 1,
        };
        let adapter = ChannelKind::parse(&channel).and_then(|kind| adapters.get(&kind));
        let outcome = match adapter {
            Some(adapter) => adapter.deliver(&message).await,
            None => Delivery::Failed {
                error: "channel_unavailable".into(),
            },
        };
        let done = Handed {
            outbox_id,
            account_id: row.try_get("account_id")?,
            message,
            outcome,
        };
        handled += 1;
        if adapter.is_some_and(|a| a.repeatable()) {
            repeatable.push(done);
        } else {
            // Recorded right after the channel answered: a crash between the answer and
            // its record sends that one message again, never more. Earlier outcomes are
            // recorded first, so events keep the order of the queue.
            record::record(db, hub, std::mem::take(&mut repeatable)).await?;
            record::record(db, hub, vec![done]).await?;
        }
    }
    record::record(db, hub, repeatable).await?;
    Ok(handled)
}
