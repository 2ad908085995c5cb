//! In-process fan-out of committed events, one broadcast channel per account.
//! On PostgreSQL every replica LISTENs on one channel, so an event committed through
//! any replica reaches the sockets of all of them; after a lost listener connection
//! the gap is refilled from the event log, so nothing is skipped.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

use crate::db::{self, events::NOTIFY_CHANNEL, Backend, Db};
use crate::events::{EventEnvelope, ServerFrame};

/// A committed event as the hub hands it to every socket of its account. The agent
/// socket's frame is serialized once, by the first socket that shows it, and shared by
/// the rest (with hundreds of sockets, serializing per socket was most of the cost).
pub struct Published {
    pub envelope: EventEnvelope,
    frame: std::sync::OnceLock<axum::extract::ws::Utf8Bytes>,
}

impl Published {
    pub fn new(envelope: EventEnvelope) -> Self {
        Published {
            envelope,
            frame: std::sync::OnceLock::new(),
        }
    }

    /// `ServerFrame::Event` of this event as JSON text.
    pub fn agent_frame(&self) -> axum::extract::ws::Utf8Bytes {
        self.frame
            .get_or_init(|| {
                serde_json::to_string(&ServerFrame::Event(self.envelope.clone()))
                    .unwrap_or_default()
                    .into()
            })
            .clone()
    }
}

impl std::ops::Deref for Published {
    type Target = EventEnvelope;

    fn deref(&self) -> &EventEnvelope {
        &self.envelope
    }
}

/// Per-account buffer; a socket that falls further behind refills from the log.
const CHANNEL_CAPACITY: usize = 256;

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Mutex<HashMap<i64, Account>>,
}

struct Account {
    sender: broadcast::Sender<Arc<Published>>,
    /// Highest id published: drops the duplicates a refill and NOTIFY can both bring.
    last_published: i64,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        Hub {
            inner: Arc::new(Inner {
                accounts: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn subscribe(&self, account_id: i64) -> broadcast::Receiver<Arc<Published>> {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        accounts
            .entry(account_id)
            .or_insert_with(|| Account {
                sender: broadcast::channel(CHANNEL_CAPACITY).0,
                last_published: 0,
            })
            .sender
            .subscribe()
    }

    /// A socket of this account has read the log up to `event_id`: a refill after a
    /// lost listener connection starts there, so events committed during the gap
    /// reach it even if none had been published here before.
    pub fn mark_read(&self, account_id: i64, event_id: i64) {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        if let Some(account) = accounts.get_mut(&account_id) {
            account.last_published = account.last_published.max(event_id);
        }
    }

    /// Sends a committed event to this process's sockets of its account.
    pub fn publish_local(&self, event: EventEnvelope) {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        let Some(account) = accounts.get_mut(&event.account_id) else {
            return; // nobody of that account is connected here
        };
        if event.id <= account.last_published {
            return;
        }
        account.last_published = event.id;
        // An error only means no receiver is left; that is fine.
        let _ = account.sender.send(Arc::new(Published::new(event)));
    }

    fn published_marks(&self) -> Vec<(i64, i64)> {
        let accounts = self.inner.accounts.lock().expect("hub lock");
        accounts
            .iter()
            .map(|(account, state)| (*account, state.last_published))
            .collect()
    }

    /// On PostgreSQL, listens for events committed by any replica (this one included).
    pub fn start_replication(&self, db: &Db) {
        if db.backend != Backend::Postgres {
            return;
        }
        let hub = self.clone();
        let db = db.clone();
        tokio::spawn(async move {
            loop {
                if let Err(err) = hub.listen(&db).await {
                    tracing::warn!(error = %err, "event listener lost its connection; reconnecting");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
    }

    async fn listen(&self, db: &Db) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(db.url()).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        // Anything committed while we were not listening comes from the log.
        self.refill(db).await?;
        loop {
            match listener.try_recv().await? {
                Some(notification) => self.on_notification(db, notification.payload()).await?,
                None => {
                    tracing::warn!("event listener reconnected; refilling from the log");
                    self.refill(db).await?;
                }
            }
        }
    }

    async fn on_notification(&self, db: &Db, payload: &str) -> Result<(), sqlx::Error> {
        if let Ok(event) = serde_json::from_str::<EventEnvelope>(payload) {
            self.publish_local(event);
            return Ok(());
        }
        #[derive(serde::Deserialize)]
        struct Reference {
            r#ref: i64,
        }
        match serde_json::from_str::<Reference>(payload) {
            Ok(reference) => {
                if let Some(event) = db::events::by_id(db, reference.r#ref).await? {
                    self.publish_local(event);
                }
            }
            Err(err) => tracing::error!(error = %err, "unreadable event notification"),
        }
        Ok(())
    }

    async fn refill(&self, db: &Db) -> Result<(), sqlx::Error> {
        for (account_id, last) in self.published_marks() {
            if last == 0 {
                continue; // sockets of a fresh account resume from the log themselves
            }
            for event in db::events::since(db, account_id, last, 10_000).await? {
                self.publish_local(event);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Availability;
    use crate::events::{EventScope, LiveEvent};

    fn event(id: i64, account_id: i64) -> EventEnvelope {
        EventEnvelope {
            id,
            account_id,
            scope: EventScope::default(),
            created_at: 0,
            event: LiveEvent::AgentAvailabilityChanged {
                agent_id: 1,
                availability: Availability::Online,
            },
        }
    }

    #[tokio::test]
    async fn delivers_to_the_account_only_once_and_in_order() {
        let hub = Hub::new();
        let mut one = hub.subscribe(1);
        let mut two = hub.subscribe(2);
        hub.publish_local(event(5, 1));
        hub.publish_local(event(5, 1)); // duplicate from a refill
        hub.publish_local(event(4, 1)); // stale
        hub.publish_local(event(6, 1));
        assert_eq!(one.recv().await.unwrap().id, 5);
        assert_eq!(one.recv().await.unwrap().id, 6);
        assert!(one.try_recv().is_err());
        assert!(two.try_recv().is_err());
    }
}
