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

/// Report durations counted in business hours, a few seconds after they are measured.
pub fn spawn_report_hours(db: Db) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(err) = app::reports::ssr::business::fill_all(&db).await {
                tracing::warn!(error = %err, "counting report times in business hours failed; will retry");
            }
        }
    });
}

/// Conversations waiting for an agent go to whoever can take them: every few seconds
/// (a resolved conversation frees room), and at once when someone comes online
/// (`Notify` keeps one wake-up that comes while a round runs).
pub fn spawn_waiting_assignment(
    db: Db,
    hub: Hub,
    arrivals: std::sync::Arc<tokio::sync::Notify>,
    every_secs: u64,
) {
    tokio::spawn(async move {
        loop {
            if every_secs == 0 {
                arrivals.notified().await;
            } else {
                let every = Duration::from_secs(every_secs);
                let _ = tokio::time::timeout(every, arrivals.notified()).await;
            }
            if let Err(err) = app::conversations::ssr::waiting::assign_waiting(&db, &hub).await {
                tracing::warn!(error = %err, "assigning waiting conversations failed; will retry");
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

/// Deletes expired sessions, old sign-in failures and events older than the retention;
/// returns how many sessions and events went.
pub async fn sweep(db: &Db, event_retention_days: i64) -> Result<(u64, u64), sqlx::Error> {
    app::db::retention::sweep(
        db,
        event_retention_days,
        app::auth::throttle::KEEP_FAILURES_MS,
    )
    .await
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
