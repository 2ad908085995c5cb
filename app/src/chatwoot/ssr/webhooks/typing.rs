//! `conversation_typing_on` / `conversation_typing_off`, Chatwoot's typing events, from
//! the signals said in this process: each replica tells of its own writers, so every
//! change is told once. A writer repeats "writing" every few seconds; only a change is
//! told (on after off or after a silence, off after on). Deliveries go through the
//! same queue as every webhook event: signed, retried, logged.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::payload::{account_json, conversation_payload};
use crate::agents::model::AgentProfile;
use crate::chatwoot::ssr::conversations::Catalog;
use crate::chatwoot::ssr::{render, Caller};
use crate::db::now_ms;
use crate::error::AppError;
use crate::live::typing::{Said, Typing, SHOWN_MS};
use crate::state::AppState;

/// A "writing" not repeated for this long has ended (the reader stops showing it): the
/// next one is told again.
const SILENCE: Duration = Duration::from_millis(SHOWN_MS as u64);
/// Writers not heard of for this long are forgotten (a closed tab never says "off").
const FORGOTTEN: Duration = Duration::from_secs(3600);

/// Tells webhooks of typing for the life of the process.
pub fn spawn(state: AppState, base_url: String) {
    let mut said = state.hub.subscribe_said();
    tokio::spawn(async move {
        let mut writing: HashMap<(i64, Option<i64>), Instant> = HashMap::new();
        loop {
            let signal = match said.recv().await {
                Ok(signal) => signal,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            };
            let Said::Typing(typing) = &signal.said else {
                continue;
            };
            if !changed(&mut writing, typing, Instant::now()) {
                continue;
            }
            let told = enqueue(
                &state,
                &base_url,
                signal.account_id,
                signal.inbox_id,
                typing,
            );
            if let Err(err) = told.await {
                tracing::warn!(error = %err, "a typing webhook could not be queued");
            }
        }
    });
}

/// Whether this signal changes what the conversation's readers see of this writer.
fn changed(
    writing: &mut HashMap<(i64, Option<i64>), Instant>,
    typing: &Typing,
    now: Instant,
) -> bool {
    let key = (typing.conversation_id, typing.agent_id);
    if !typing.typing {
        // An "off" after any silence still ends what was told (clients that say "on"
        // once and "off" when done).
        let told = writing.remove(&key).is_some();
        writing.retain(|_, at| now.duration_since(*at) < FORGOTTEN);
        return told;
    }
    let fresh = writing
        .get(&key)
        .is_none_or(|at| now.duration_since(*at) >= SILENCE);
    writing.insert(key, now);
    writing.retain(|_, at| now.duration_since(*at) < FORGOTTEN);
    fresh
}

async fn enqueue(
    state: &AppState,
    base_url: &str,
    account: i64,
    inbox_id: i64,
    typing: &Typing,
) -> Result<(), AppError> {
    let event = if typing.typing {
        "conversation_typing_on"
    } else {
        "conversation_typing_off"
    };
    let db = &state.db;
    let hooks: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, subscriptions, include_private, inbox_id FROM webhooks WHERE account_id = $1",
    )
    .bind(account)
    .fetch_all(&db.pool)
    .await?;
    let targets: Vec<i64> = hooks
        .into_iter()
        .filter(|(_, subscriptions, include_private, inbox)| {
            serde_json::from_str::<Vec<String>>(subscriptions)
                .unwrap_or_default()
                .iter()
                .any(|e| e == event)
                && (!typing.private || *include_private != 0)
                && inbox.is_none_or(|inbox| inbox == inbox_id)
        })
        .map(|(id, ..)| id)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let agent = AgentProfile::system(account);
    let caller = Caller {
        state,
        agent: &agent,
        base_url,
    };
    let account_json = account_json(db, account).await?;
    let catalog = Catalog::load(&caller).await?;
    let Some(conversation) =
        conversation_payload(&caller, &catalog, &account_json, typing.conversation_id).await?
    else {
        return Ok(());
    };
    let user: Value = match typing.agent_id {
        Some(id) => match catalog.agents.iter().find(|a| a.id == id) {
            Some(profile) => {
                let mut user = serde_json::to_value(render::agent(profile)).unwrap_or_default();
                user["type"] = json!("user");
                user
            }
            None => json!({"id": id, "name": typing.name, "type": "user"}),
        },
        None => {
            let mut contact = conversation["meta"]["sender"].clone();
            contact["type"] = json!("contact");
            contact
        }
    };
    let body = json!({
        "event": event,
        "user": user,
        "conversation": conversation,
        "is_private": typing.private,
        "account": account_json,
    })
    .to_string();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for webhook in targets {
        super::dispatch::queue(&mut tx, webhook, event, &body, now).await?;
    }
    tx.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(agent: Option<i64>, on: bool) -> Typing {
        Typing {
            conversation_id: 7,
            agent_id: agent,
            name: String::new(),
            private: false,
            typing: on,
        }
    }

    #[test]
    fn only_changes_are_told() {
        let mut writing = HashMap::new();
        let t0 = Instant::now();
        assert!(changed(&mut writing, &said(None, true), t0));
        // Repeated while she writes: nothing new.
        assert!(!changed(
            &mut writing,
            &said(None, true),
            t0 + Duration::from_secs(2)
        ));
        // Another writer in the same conversation is news.
        assert!(changed(
            &mut writing,
            &said(Some(3), true),
            t0 + Duration::from_secs(2)
        ));
        assert!(changed(
            &mut writing,
            &said(None, false),
            t0 + Duration::from_secs(3)
        ));
        assert!(!changed(
            &mut writing,
            &said(None, false),
            t0 + Duration::from_secs(3)
        ));
        // After a silence the next "writing" is news again (the readers stopped showing it).
        assert!(changed(
            &mut writing,
            &said(Some(3), true),
            t0 + Duration::from_secs(30)
        ));
        // An "off" long after a single "on" is still told.
        assert!(changed(
            &mut writing,
            &said(Some(3), false),
            t0 + Duration::from_secs(90)
        ));
    }
}
