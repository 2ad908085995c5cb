//! Storage: one sqlx `AnyPool` over SQLite (embedded default) or PostgreSQL, with
//! portable SQL (`$1` placeholders work on both) and the few backend differences
//! kept here. Write transactions go through [`Db::begin_write`] so event ids are
//! allocated in commit order (see `live::hub`).
pub mod events;
pub mod inbox_settings;
pub mod retention;
pub mod seed;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::events::EventEnvelope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite allows one writer at a time; taking turns in process avoids SQLITE_BUSY
    /// on read-to-write upgrades and keeps commit order equal to event-id order.
    write_lock: Option<Arc<Mutex<()>>>,
    url: Arc<str>,
}

/// How long a pooled connection may sit unused before it is pinged on its way out.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(2);

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ));
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            // sqlx pings every connection it hands out by default: one more round trip
            // (on SQLite a hop to the connection's thread) on each of the several pool
            // uses of a request. A connection busy a moment ago is alive; one that sat
            // idle (perhaps through a database restart) is still checked.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_CHECK_AFTER {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            });
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        Ok(Db {
            pool,
            backend,
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            url: url.into(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => {
                // A table rebuild (0029) must not cascade: foreign keys off for the run,
                // on one connection (the pragma is per connection and ignored inside
                // the migrations' transactions), checked before they are back on.
                let mut conn = self.pool.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let ran = MIGRATE_SQLITE.run(&mut *conn).await;
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await;
                // Back on before anything else can fail: the connection returns to the pool.
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                let broken = broken?;
                if !broken.is_empty() {
                    tracing::warn!(
                        rows = broken.len(),
                        "rows break a foreign key after migrating"
                    );
                }
                ran
            }
            Backend::Postgres => MIGRATE_POSTGRES.run(&self.pool).await,
        }
    }

    /// The SQLite write turn (none on PostgreSQL), for a statement that writes outside
    /// [`Db::begin_write`]: a commit beside the app's transactions would invalidate
    /// their snapshots ("database is locked").
    pub async fn write_turn(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }

    /// Starts a transaction that may write and append events.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let guard = self.write_turn().await;
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            backend: self.backend,
            events: Vec::new(),
            pending: Vec::new(),
            queued_outbound: false,
            _guard: guard,
        })
    }
}

/// A write transaction plus the events it appended, published after commit.
/// End it with `Hub::commit` (events) or [`WriteTx::finish`] (none): both release the
/// SQLite write turn. The database floor does not know the hub: the hub commits.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    pub backend: Backend,
    events: Vec<EventEnvelope>,
    /// Events appended and not yet written (see [`WriteTx::append_events`]).
    pending: Vec<(i64, crate::events::EventScope, crate::events::LiveEvent)>,
    /// An outbox row was written: the outbox worker is woken after commit.
    queued_outbound: bool,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Notes that this transaction queued a message for a channel.
    pub fn queue_outbound(&mut self) {
        self.queued_outbound = true;
    }

    /// Whether this transaction queued a message for a channel.
    pub fn queued_outbound(&self) -> bool {
        self.queued_outbound
    }

    /// Commits, and runs `committed` (given the backend and the appended events)
    /// before the SQLite write turn is released, so what it publishes leaves in id
    /// order. Called by `Hub::commit`.
    pub async fn commit_then(
        mut self,
        committed: impl FnOnce(Backend, &[EventEnvelope]),
    ) -> Result<Vec<EventEnvelope>, sqlx::Error> {
        self.flush_events().await?;
        let WriteTx {
            tx,
            backend,
            events,
            pending: _,
            queued_outbound: _,
            _guard,
        } = self;
        tx.commit().await?;
        committed(backend, &events);
        drop(_guard);
        Ok(events)
    }
}

impl WriteTx {
    /// Commits a transaction that appended no events.
    pub async fn finish(self) -> Result<(), sqlx::Error> {
        debug_assert!(
            self.events.is_empty() && self.pending.is_empty(),
            "events need Hub::commit(tx)"
        );
        self.tx.commit().await
    }
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// `$first, $first+1, …` for an `IN (…)` list of `count` values.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a 0/1 flag column (stored as an integer on both backends).
pub fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn numbers_an_in_list_from_the_given_placeholder() {
        assert_eq!(placeholders(5, 3), "$5, $6, $7");
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(3, 0), "");
    }
}
