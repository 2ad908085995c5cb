//! In-process fan-out of committed events, one broadcast channel per account.
//! On PostgreSQL every replica LISTENs on one channel, so an event committed through
//! any replica reaches the sockets of all of them; after a lost listener connection
//! the gap is refilled from the event log, so nothing is skipped.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

use super::typing::Signal;
use crate::db::{self, events::NOTIFY_CHANNEL, events::SIGNALS_CHANNEL, Backend, Db, WriteTx};
use crate::events::{EventEnvelope, LiveEvent};

pub use super::published::Published;

/// Events committed close together reach each socket together.
pub type Batch = Arc<[Published]>;

/// Per-account buffer, in batches; a socket that falls further behind refills from the log.
const CHANNEL_CAPACITY: usize = 256;
/// Signals buffered for slow sockets; past it they miss some (each is repeated anyway).
const SIGNALS_CAPACITY: usize = 1024;

/// At most one batch per account per this interval. The first event after a quiet spell
/// goes out at once; under load each socket wakes and writes once per interval instead
/// of once per event, which is what lets a two-core server feed thousands of sockets
/// (a wake-up and a write per event per socket was the cost). The delay it can add is
/// bounded by this interval.
pub const DEFAULT_BATCH_INTERVAL: Duration = Duration::from_millis(20);

#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Mutex<HashMap<i64, Account>>,
    interval: Duration,
    /// Woken after a commit that queued a message for a channel (here, or on another
    /// replica: its events arrive by NOTIFY), so the outbox worker sends it at once.
    outbox: Notify,
    /// Woken after a commit that wrote notifications, so the push worker sends them.
    notices: Notify,
    /// Woken after a commit that opened a conversation, whose notices may be queued.
    fanouts: Notify,
    /// Woken after a commit with events webhooks tell of, so their dispatcher runs.
    hooks: Notify,
    /// "Is writing" signals for every socket here (see `relay`).
    signals: broadcast::Sender<Arc<Signal>>,
    /// The signals said in this process only (on PostgreSQL `signals` also carries every
    /// other replica's): what webhooks tell of, once whatever the replicas.
    said: broadcast::Sender<Arc<Signal>>,
}

struct Account {
    sender: broadcast::Sender<Batch>,
    /// Highest id published: drops the duplicates a refill and NOTIFY can both bring.
    last_published: i64,
    /// Events waiting for the next batch, in id order.
    pending: Vec<Published>,
    /// When the last batch went out.
    last_sent: Option<tokio::time::Instant>,
    /// A task will send `pending` when the interval has passed.
    flush_armed: bool,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        Self::with_batch_interval(DEFAULT_BATCH_INTERVAL)
    }

    /// A hub sending at most one batch per account per `interval` (zero: every event
    /// on its own, at once).
    pub fn with_batch_interval(interval: Duration) -> Self {
        Hub {
            inner: Arc::new(Inner {
                accounts: Mutex::new(HashMap::new()),
                interval,
                outbox: Notify::new(),
                notices: Notify::new(),
                fanouts: Notify::new(),
                hooks: Notify::new(),
                signals: broadcast::channel(SIGNALS_CAPACITY).0,
                said: broadcast::channel(SIGNALS_CAPACITY).0,
            }),
        }
    }

    /// Commits a write transaction and publishes its events. On SQLite they are handed
    /// to this process's sockets before the write turn is released, so sockets receive
    /// events in id order; on PostgreSQL they travel by NOTIFY (to every replica, this
    /// one included), which is delivered in commit order. A transaction that queued a
    /// message wakes the outbox worker.
    pub async fn commit(&self, tx: WriteTx) -> Result<Vec<EventEnvelope>, sqlx::Error> {
        let queued_outbound = tx.queued_outbound();
        let events = tx
            .commit_then(|backend, events| {
                if backend == Backend::Sqlite {
                    self.publish_all(events.iter().cloned());
                }
            })
            .await?;
        // After the write turn is released: the worker's claim needs it.
        if queued_outbound {
            self.wake_outbox();
        }
        self.wake_workers(&events);
        Ok(events)
    }

    /// Wakes the workers these committed events give something to do.
    fn wake_workers(&self, events: &[EventEnvelope]) {
        let any = |wanted: fn(&LiveEvent) -> bool| events.iter().any(|e| wanted(&e.event));
        if any(LiveEvent::notifies) {
            self.inner.notices.notify_one();
        }
        if any(LiveEvent::opens_conversation) {
            self.inner.fanouts.notify_one();
        }
        if any(LiveEvent::hooked) {
            self.inner.hooks.notify_one();
        }
    }

    pub(super) fn said(&self) -> &broadcast::Sender<Arc<Signal>> {
        &self.inner.said
    }

    pub(super) fn signals(&self) -> &broadcast::Sender<Arc<Signal>> {
        &self.inner.signals
    }

    /// Tells the outbox worker there is something to send now (it also polls).
    pub fn wake_outbox(&self) {
        self.inner.outbox.notify_one();
    }

    /// Resolves when notifications were written (here, or on another replica).
    pub async fn notices_woken(&self) {
        self.inner.notices.notified().await
    }

    /// Resolves when a conversation was opened (here or on another replica).
    pub async fn fanouts_woken(&self) {
        self.inner.fanouts.notified().await
    }

    /// Resolves when events webhooks tell of were committed (here or on another replica).
    pub async fn hooks_woken(&self) {
        self.inner.hooks.notified().await
    }

    /// Resolves when the outbox is woken.
    pub async fn outbox_woken(&self) {
        self.inner.outbox.notified().await
    }

    pub fn subscribe(&self, account_id: i64) -> broadcast::Receiver<Batch> {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        accounts
            .entry(account_id)
            .or_insert_with(|| Account {
                sender: broadcast::channel(CHANNEL_CAPACITY).0,
                last_published: 0,
                pending: Vec::new(),
                last_sent: None,
                flush_armed: false,
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
        self.publish_all(std::iter::once(event));
    }

    /// Sends committed events (in id order) to this process's sockets: events that
    /// come together, such as those of one transaction, leave in the same batch.
    pub fn publish_all(&self, events: impl IntoIterator<Item = EventEnvelope>) {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        let mut touched = Vec::new();
        for event in events {
            let Some(account) = accounts.get_mut(&event.account_id) else {
                continue; // nobody of that account is connected here
            };
            if event.id <= account.last_published {
                continue;
            }
            account.last_published = event.id;
            if !touched.contains(&event.account_id) {
                touched.push(event.account_id);
            }
            account.pending.push(Published::new(event));
        }
        for account_id in touched {
            if let Some(account) = accounts.get_mut(&account_id) {
                self.schedule(account_id, account);
            }
        }
    }

    /// Sends the waiting events now when the last batch is older than the interval,
    /// else arms one task to send them when it is.
    fn schedule(&self, account_id: i64, account: &mut Account) {
        if account.flush_armed {
            return; // they go out with the batch already due
        }
        let now = tokio::time::Instant::now();
        let due = account
            .last_sent
            .map(|sent| sent + self.inner.interval)
            .filter(|due| *due > now);
        let runtime = tokio::runtime::Handle::try_current();
        match (due, runtime) {
            (Some(due), Ok(runtime)) => {
                account.flush_armed = true;
                let hub = self.clone();
                runtime.spawn(async move {
                    tokio::time::sleep_until(due).await;
                    hub.flush(account_id);
                });
            }
            _ => Self::send_pending(account, now),
        }
    }

    /// Sends the account's waiting events as one batch.
    fn flush(&self, account_id: i64) {
        let mut accounts = self.inner.accounts.lock().expect("hub lock");
        if let Some(account) = accounts.get_mut(&account_id) {
            account.flush_armed = false;
            Self::send_pending(account, tokio::time::Instant::now());
        }
    }

    fn send_pending(account: &mut Account, now: tokio::time::Instant) {
        if account.pending.is_empty() {
            return;
        }
        account.last_sent = Some(now);
        let batch: Batch = std::mem::take(&mut account.pending).into();
        // An error only means no receiver is left; that is fine.
        let _ = account.sender.send(batch);
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
        listener
            .listen_all([NOTIFY_CHANNEL, SIGNALS_CHANNEL])
            .await?;
        // Anything committed while we were not listening comes from the log.
        self.refill(db).await?;
        loop {
            match listener.try_recv().await? {
                Some(notification) if notification.channel() == SIGNALS_CHANNEL => {
                    self.signal_received(notification.payload())
                }
                Some(notification) => {
                    let payload = notification.payload().to_owned();
                    self.on_notification(db, &mut listener, &payload).await?
                }
                None => {
                    tracing::warn!("event listener reconnected; refilling from the log");
                    self.refill(db).await?;
                }
            }
        }
    }

    /// Publishes this notification's event together with those already buffered
    /// behind it (one transaction's events arrive back to back).
    async fn on_notification(
        &self,
        db: &Db,
        listener: &mut sqlx::postgres::PgListener,
        first: &str,
    ) -> Result<(), sqlx::Error> {
        let mut events = Vec::new();
        if let Some(event) = Self::event_of(db, first).await? {
            events.push(event);
        }
        while let Some(next) = listener.next_buffered() {
            if next.channel() == SIGNALS_CHANNEL {
                self.signal_received(next.payload());
                continue;
            }
            if let Some(event) = Self::event_of(db, next.payload()).await? {
                events.push(event);
            }
        }
        // Another replica's reply may have queued a message: this replica's worker
        // looks too (claiming is a lease, so only one of them sends it).
        if events.iter().any(|e| e.event.may_queue_outbound()) {
            self.wake_outbox();
        }
        self.wake_workers(&events);
        self.publish_all(events);
        Ok(())
    }

    async fn event_of(db: &Db, payload: &str) -> Result<Option<EventEnvelope>, sqlx::Error> {
        if let Ok(event) = serde_json::from_str::<EventEnvelope>(payload) {
            return Ok(Some(event));
        }
        #[derive(serde::Deserialize)]
        struct Reference {
            r#ref: i64,
        }
        match serde_json::from_str::<Reference>(payload) {
            Ok(reference) => db::events::by_id(db, reference.r#ref).await,
            Err(err) => {
                tracing::error!(error = %err, "unreadable event notification");
                Ok(None)
            }
        }
    }

    async fn refill(&self, db: &Db) -> Result<(), sqlx::Error> {
        // Every account with sockets here, including one whose sockets have seen nothing
        // yet (mark 0: the log was empty when they read it), else its events committed
        // while the listener was away would reach nobody until a socket reconnects.
        for (account_id, last) in self.published_marks() {
            self.publish_all(db::events::since(db, account_id, last, 10_000).await?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
