//! Opening a conversation, by a customer writing in or by an agent starting it, in two
//! steps: its rows, then its announcement (the event, the notices, the activity line).
//! A customer's message announces its new conversation only once the message itself is
//! stored, so that every inbound write takes the message's locks (its report tally row)
//! before the account's event lock, in the same order as a message to an existing
//! conversation: on PostgreSQL the opposite order deadlocked under concurrent arrivals.
use sqlx::Row;

use super::access::summary_in_tx;
use super::assignment::{self, AutoAssign, Picked};
use crate::conversations::model::ConversationSummary;
use crate::db::{now_ms, WriteTx};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::notifications::ssr::fanout;

/// A conversation about to be opened: by a customer writing in (no assignee) or by an
/// agent starting it from the contact (assigned to them).
pub struct NewConversation<'a> {
    pub account_id: i64,
    pub inbox_id: i64,
    pub contact_id: i64,
    pub identity_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub subject: Option<&'a str>,
}

/// A conversation whose rows are written and whose announcement is still to come.
#[derive(Debug, Clone)]
pub struct Opened {
    pub id: i64,
    account_id: i64,
    inbox_id: i64,
    /// Opened by a customer (no agent started it) and not held by an agent bot.
    by_customer_for_team: bool,
    /// The agent the inbox's automatic assignment picked.
    pub picked: Option<Picked>,
    at: i64,
}

/// Opens a new conversation and announces it.
pub async fn open_conversation_in_tx(
    tx: &mut WriteTx,
    new: NewConversation<'_>,
) -> Result<ConversationSummary, AppError> {
    let opened = insert_in_tx(tx, new).await?;
    announce_in_tx(tx, &opened).await
}

/// The conversation's rows: its number, the row itself and its automatic assignee.
pub async fn insert_in_tx(tx: &mut WriteTx, new: NewConversation<'_>) -> Result<Opened, AppError> {
    let now = now_ms();
    // Opened by a blocked customer: resolved at once, nobody told or assigned. Opened
    // by a customer where an agent bot answers: pending with the bot until it (or the
    // customer) hands it over.
    let by_customer = new.assignee_id.is_none();
    let muted = by_customer && super::blocked::contact_blocked(tx.conn(), new.contact_id).await?;
    let (with_bot, rule) = match by_customer && !muted {
        true => bot_and_rule(tx.conn(), new.inbox_id).await?,
        false => (false, AutoAssign::default()),
    };
    let for_team = by_customer && !with_bot && !muted;
    // The inbox's assignment turn before any row of it (its tallies): a waiting round
    // holds the turn and then writes them, so taking it after them could deadlock.
    let assigning = for_team && rule.enabled;
    if assigning {
        assignment::lock_inbox(tx, new.inbox_id).await?;
    }
    // The account's number before the pick: a pick may wait for an agent's lock, and a
    // bot's hand-off (number first, then the pick) would otherwise wait crosswise.
    let number: i64 = sqlx::query(
        "UPDATE accounts SET next_conversation_number = next_conversation_number + 1 WHERE id = $1 \
         RETURNING next_conversation_number - 1 AS number",
    )
    .bind(new.account_id)
    .fetch_one(tx.conn())
    .await?
    .try_get("number")?;
    // The pick before the conversation's row, so the row is written once, with its
    // assignee.
    let picked = match assigning {
        true => assignment::pick_by_rule(tx, new.inbox_id, None, rule).await?,
        false => None,
    };
    let status = match (muted, with_bot) {
        (true, _) => "resolved",
        (false, true) => "pending",
        (false, false) => "open",
    };
    let id: i64 = sqlx::query(
        "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_identity_id, assignee_id, \
         subject, status, last_activity_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $8, $8, $8) RETURNING id",
    )
    .bind(new.account_id)
    .bind(number)
    .bind(new.inbox_id)
    .bind(new.contact_id)
    .bind(new.identity_id)
    .bind(picked.as_ref().map_or(new.assignee_id, |p| Some(p.id)))
    .bind(new.subject)
    .bind(now)
    .bind(status)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    Ok(Opened {
        id,
        account_id: new.account_id,
        inbox_id: new.inbox_id,
        by_customer_for_team: for_team,
        picked,
        at: now,
    })
}

/// The conversation's event, the queued notices of teammates who asked for new ones and the
/// automatic assignment's activity line.
pub async fn announce_in_tx(
    tx: &mut WriteTx,
    opened: &Opened,
) -> Result<ConversationSummary, AppError> {
    let id = opened.id;
    let summary = summary_in_tx(tx.conn(), id).await?;
    tx.append_event(
        opened.account_id,
        EventScope {
            inbox_id: Some(opened.inbox_id),
            conversation_id: Some(id),
            agent_id: None,
        },
        LiveEvent::ConversationChanged {
            conversation: summary.clone(),
            previous: None,
        },
    )
    .await?;
    if opened.by_customer_for_team {
        fanout::queue_in_tx(tx, opened.account_id, id).await?;
    }
    if let Some(picked) = &opened.picked {
        let changed = [(id, opened.inbox_id)];
        super::activity::picked_in_tx(tx, opened.account_id, &changed, picked, opened.at).await?;
    }
    Ok(summary)
}

/// Whether an agent bot answers the inbox's new conversations, and its automatic
/// assignment, in one read (a customer's first message waits for it).
async fn bot_and_rule(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
) -> Result<(bool, AutoAssign), sqlx::Error> {
    let row: Option<(Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT agent_bot_id, settings FROM inboxes WHERE id = $1")
            .bind(inbox_id)
            .fetch_optional(conn)
            .await?;
    let (bot, settings) = row.unwrap_or_default();
    Ok((
        bot.is_some(),
        AutoAssign::from_settings(settings.as_deref()),
    ))
}

/// Whether an agent bot answers the inbox's new conversations.
pub async fn has_bot(conn: &mut sqlx::AnyConnection, inbox_id: i64) -> Result<bool, sqlx::Error> {
    let bot: Option<Option<i64>> =
        sqlx::query_scalar("SELECT agent_bot_id FROM inboxes WHERE id = $1")
            .bind(inbox_id)
            .fetch_optional(conn)
            .await?;
    Ok(bot.flatten().is_some())
}
