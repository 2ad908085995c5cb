//! The outbox worker: claims due rows (a lease, so replicas never send twice), asks the
//! channel adapter to deliver, and records the outcome on the message, as an event.
//! Temporary failures are retried with exponential backoff. The hub wakes the worker
//! after every commit that queued a message; it also polls every second.
mod claim;
mod deliver;
mod record;
mod retry;

pub use deliver::run_once;
pub use retry::retry;

use std::time::Duration;

use crate::channels::adapter::Adapters;
use crate::db::Db;
use crate::live::hub::Hub;

pub fn spawn(db: Db, hub: Hub, adapters: Adapters, public_url: String) {
    tokio::spawn(async move {
        loop {
            match run_once(&db, &hub, &adapters, &public_url).await {
                Ok(0) => {
                    let _ = tokio::time::timeout(Duration::from_secs(1), hub.outbox_woken()).await;
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "outbox pass failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}
