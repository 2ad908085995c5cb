//! The watchers: one task per email inbox that can receive, polling and then waiting
//! for new mail (IDLE where the server has it), with backoff after failures.
use std::collections::HashMap;
use std::time::Duration;

use super::{poll_session, PollSummary};
use crate::channels::email::inbox::{self, EmailInbox};
use crate::channels::email::{imap, Email};

/// One cycle of an inbox's watcher: poll, then wait for new mail — in IDLE where the
/// server supports it (woken as soon as mail arrives), else for the poll interval.
async fn cycle(email: &Email, inbox: &EmailInbox) -> Result<(), String> {
    let every = Duration::from_secs(u64::from(inbox.poll_interval_secs));
    let mut session = imap::login(&email.outbound, &inbox.imap, &inbox.imap_password).await?;
    let summary = poll_session(email, inbox, &mut session).await?;
    if summary != PollSummary::default() {
        tracing::info!(inbox = inbox.id, ?summary, "email poll");
    }
    if imap::supports_idle(&mut session).await {
        let mut session = imap::idle(session, every).await?;
        let _ = session.logout().await;
    } else {
        let _ = session.logout().await;
        tokio::time::sleep(every).await;
    }
    Ok(())
}

/// Keeps one watcher per configured email inbox (settings are re-read every cycle).
pub fn spawn(email: Email) {
    tokio::spawn(async move {
        let mut watchers: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            watchers.retain(|_, task| !task.is_finished());
            let ids = match inbox::all_ids(&email.db).await {
                Ok(ids) => ids,
                Err(err) => {
                    tracing::warn!(error = %err, "listing email inboxes failed");
                    continue;
                }
            };
            for id in ids {
                if watchers.contains_key(&id) {
                    continue;
                }
                let email = email.clone();
                watchers.insert(id, tokio::spawn(async move { watch(email, id).await }));
            }
        }
    });
}

/// Runs until the inbox is gone or not set up for receiving.
async fn watch(email: Email, id: i64) {
    let mut failures = 0_u32;
    loop {
        let config = match inbox::load(&email.db, &email.secrets, id).await {
            Ok(Some(config)) if config.can_receive() => config,
            Ok(_) => return,
            Err(err) => {
                tracing::warn!(inbox = id, error = %err, "loading an email inbox failed");
                tokio::time::sleep(Duration::from_secs(10)).await;
                continue;
            }
        };
        match cycle(&email, &config).await {
            Ok(()) => failures = 0,
            Err(err) => {
                failures = failures.saturating_add(1);
                let wait = Duration::from_secs(
                    u64::from(config.poll_interval_secs).min(5 * 2_u64.pow(failures.min(6))),
                );
                tracing::warn!(inbox = id, error = %err, "email poll failed; will retry");
                tokio::time::sleep(wait).await;
            }
        }
    }
}
