//! "Is writing" signals between sockets: straight to this process's sockets on SQLite,
//! through NOTIFY on PostgreSQL so the sockets of every replica (this one included)
//! get them. Never stored: a signal lost on the way is repeated by its writer.
use std::sync::Arc;
use tokio::sync::broadcast;

use super::hub::Hub;
use super::typing::Signal;
use crate::db::{events::SIGNALS_CHANNEL, Backend, Db};

impl Hub {
    pub fn subscribe_signals(&self) -> broadcast::Receiver<Arc<Signal>> {
        self.signals().subscribe()
    }

    /// The signals said in this process, whatever the backend (webhooks' typing events).
    pub fn subscribe_said(&self) -> broadcast::Receiver<Arc<Signal>> {
        self.said().subscribe()
    }

    /// Hands a signal to every socket that may show it (each socket filters).
    pub async fn say(&self, db: &Db, signal: Signal) {
        // An error only means nobody listens.
        let _ = self.said().send(Arc::new(signal.clone()));
        match db.backend {
            Backend::Sqlite => {
                // An error only means no socket is listening.
                let _ = self.signals().send(Arc::new(signal));
            }
            Backend::Postgres => {
                let Ok(payload) = serde_json::to_string(&signal) else {
                    return;
                };
                if let Err(err) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(SIGNALS_CHANNEL)
                    .bind(payload)
                    .execute(&db.pool)
                    .await
                {
                    tracing::warn!(error = %err, "a typing signal could not be sent");
                }
            }
        }
    }

    pub(super) fn signal_received(&self, payload: &str) {
        match serde_json::from_str::<Signal>(payload) {
            Ok(signal) => {
                let _ = self.signals().send(Arc::new(signal));
            }
            Err(err) => tracing::warn!(error = %err, "unreadable typing signal"),
        }
    }
}
