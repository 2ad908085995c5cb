//! `webwidget_triggered`: a visitor opened the web chat. Chatwoot's widget tells it
//! each time its launcher opens the chat; webhooks that ask for it and the inbox's
//! agent bot get the visitor's `contact_inbox` (Chatwoot's `ContactInbox#webhook_data`:
//! the contact, the inbox, the account, her latest conversation, her `source_id`) with
//! `event_info` (when and where it opened, languages, browser). A visitor who has not
//! written yet has no contact: `id`, `contact`, `current_conversation` and `source_id`
//! are null. Nothing is written but the deliveries: opening the chat is no change to
//! the desk, so it is not in the event log (as typing is not).
use serde_json::{json, Value};

use super::dispatch::queue;
use super::payload::{account_json, conversation_payload};
use crate::agents::model::AgentProfile;
use crate::chatwoot::ssr::conversations::Catalog;
use crate::chatwoot::ssr::{render, Caller};
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;

pub const EVENT: &str = "webwidget_triggered";

/// Who opened the chat, and in which inbox.
#[derive(Debug, Clone)]
pub struct Opened {
    pub account_id: i64,
    pub inbox_id: i64,
    /// (identity, contact) of a visitor who has written before.
    pub visitor: Option<(i64, i64)>,
    pub event_info: Value,
}

/// Queues one delivery to each webhook that wants it; how many were queued.
pub async fn enqueue(state: &AppState, base_url: &str, opened: &Opened) -> Result<usize, AppError> {
    let targets = targets(state, opened).await?;
    if targets.is_empty() {
        return Ok(0);
    }
    let body = payload(state, base_url, opened).await?.to_string();
    let now = now_ms();
    let mut tx = state.db.begin_write().await?;
    for webhook in &targets {
        queue(&mut tx, *webhook, EVENT, &body, now).await?;
    }
    tx.finish().await?;
    Ok(targets.len())
}

/// The account's webhooks subscribed to the event, and the webhook of the agent bot
/// connected to the inbox (Chatwoot's `AgentBotListener` tells its bots).
async fn targets(state: &AppState, opened: &Opened) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT w.id, w.subscriptions, w.bot_id FROM webhooks w \
         WHERE w.account_id = $1 AND w.rule_id IS NULL AND w.inbox_id IS NULL AND (w.bot_id IS NULL \
         OR w.bot_id = (SELECT agent_bot_id FROM inboxes WHERE id = $2))",
    )
    .bind(opened.account_id)
    .bind(opened.inbox_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, subscriptions, bot)| {
            bot.is_some()
                || serde_json::from_str::<Vec<String>>(subscriptions)
                    .unwrap_or_default()
                    .iter()
                    .any(|e| e == EVENT)
        })
        .map(|(id, ..)| id)
        .collect())
}

async fn payload(state: &AppState, base_url: &str, opened: &Opened) -> Result<Value, AppError> {
    let db = &state.db;
    let account = account_json(db, opened.account_id).await?;
    let inbox_name: String = sqlx::query_scalar("SELECT name FROM inboxes WHERE id = $1")
        .bind(opened.inbox_id)
        .fetch_one(&db.pool)
        .await?;
    let (mut id, mut contact, mut conversation, mut source_id) =
        (Value::Null, Value::Null, Value::Null, Value::Null);
    if let Some((identity, contact_id)) = opened.visitor {
        let system = AgentProfile::system(opened.account_id);
        let caller = Caller {
            state,
            agent: &system,
            base_url,
        };
        let row = crate::contacts::ssr::store::get(db, opened.account_id, contact_id).await?;
        contact = serde_json::to_value(render::contact(&row)).map_err(|_| AppError::Internal)?;
        contact["avatar"] = json!("");
        contact["account"] = account.clone();
        let external: Option<String> =
            sqlx::query_scalar("SELECT external_id FROM contact_identities WHERE id = $1")
                .bind(identity)
                .fetch_optional(&db.pool)
                .await?;
        source_id = json!(external);
        id = json!(identity);
        if let Some(latest) = crate::widget::ssr::latest_conversation(db, identity).await? {
            let catalog = Catalog::load(&caller).await?;
            conversation = conversation_payload(&caller, &catalog, &account, latest)
                .await?
                .unwrap_or(Value::Null);
        }
    }
    Ok(json!({
        "event": EVENT,
        "id": id,
        "contact": contact,
        "inbox": {"id": opened.inbox_id, "name": inbox_name},
        "account": account,
        "current_conversation": conversation,
        "source_id": source_id,
        "event_info": opened.event_info,
    }))
}
