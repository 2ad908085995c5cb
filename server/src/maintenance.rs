//! Housekeeping on a timer: expired sessions and old sign-in failures are deleted and the event log keeps only
//! recent events (a client resuming from before the cut is told to reload).
use std::time::Duration;

use app::db::{now_ms, Db};
use app::live::hub::Hub;

pub fn spawn(db: Db, hub: Hub, event_retention_days: i64, files: app::storage::Files) {
    {
        // Files of deleted records: retried until each is gone.
        let db = db.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(err) = app::storage::uploads::sweep_abandoned(&db, now_ms()).await {
                    tracing::warn!(error = %err, "sweeping abandoned uploads failed; will retry");
                }
                if let Err(err) = app::storage::drain_deletions(&db, &files).await {
                    tracing::warn!(error = %err, "removing deleted files failed; will retry");
                }
            }
        });
    }
    {
        // Snoozed conversations whose time has come open again.
        let db = db.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(30));
            loop {
                tick.tick().await;
                if let Err(err) = app::conversations::ssr::actions::wake_snoozed(&db, &hub).await {
                    tracing::warn!(error = %err, "waking snoozed conversations failed");
                }
            }
        });
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(err) = sweep(&db, event_retention_days).await {
                tracing::warn!(error = %err, "maintenance sweep failed; will retry");
            }
        }
    });
}

/// The widget's rate-limit buckets of addresses gone quiet are dropped every minute.
pub fn spawn_widget_sweep(guard: std::sync::Arc<app::widget::ssr::limits::WidgetGuard>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            guard.sweep();
        }
    });
}

/// Deletes expired sessions and events older than the retention; returns both counts.
pub async fn sweep(db: &Db, event_retention_days: i64) -> Result<(u64, u64), sqlx::Error> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(tx.conn())
        .await?
        .rows_affected();
    let events = sqlx::query("DELETE FROM events WHERE created_at < $1")
        .bind(now - event_retention_days * 24 * 3600 * 1000)
        .execute(tx.conn())
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(now - app::auth::throttle::KEEP_FAILURES_MS)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    if sessions + events > 0 {
        tracing::info!(sessions, events, "maintenance: deleted expired rows");
    }
    Ok((sessions, events))
}

/// Syncs every WhatsApp inbox's templates on a timer (the settings page also has a
/// button for it).
pub fn spawn_template_sync(whatsapp: app::channels::whatsapp::WhatsApp, every_minutes: u64) {
    if every_minutes == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(every_minutes * 60));
        tick.tick().await; // not at start-up: the first sync waits one period
        loop {
            tick.tick().await;
            if let Err(err) = whatsapp.sync_all_templates().await {
                tracing::warn!(error = %err, "template sync pass failed; will retry");
            }
        }
    });
}
