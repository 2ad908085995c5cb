//! Availability that follows the open app: an agent whose dashboard is open and in use
//! is "En línea"; when her last tab closes (after a grace period, so a reload does not
//! flicker) or every open tab has gone idle, she is "Ausente". "Ocupado" is hers to set
//! and is never changed for her. Each open, non-idle socket is one presence, counted
//! by its process and recorded for the others (`replicas`): she is here while any
//! replica holds a tab of hers.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::{now_ms, Backend, Db};
use crate::domain::Availability;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

mod replicas;
pub use replicas::spawn_heartbeat;

/// How availability follows the app (configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceRules {
    /// Off: availability changes only by hand.
    pub automatic: bool,
    /// How long after her last tab closes she becomes "Ausente".
    pub away_grace: Duration,
    /// How long without use before an open tab counts as idle (`None`: never).
    pub idle_after: Option<Duration>,
    /// How often a process says it still holds its tabs; three missed and another
    /// one takes them for closed (a crashed replica's agents become "Ausente").
    pub heartbeat: Duration,
}

impl Default for PresenceRules {
    fn default() -> Self {
        PresenceRules {
            automatic: true,
            away_grace: Duration::from_secs(10),
            idle_after: Some(Duration::from_secs(10 * 60)),
            heartbeat: Duration::from_secs(20),
        }
    }
}

/// The open, non-idle sockets of each agent in this process.
pub struct Presence {
    pub rules: PresenceRules,
    /// This process among the replicas sharing the database (random, per start).
    replica: String,
    present: Mutex<HashMap<i64, usize>>,
    /// One settlement at a time, so a late "away" never overwrites a newer "online".
    settling: tokio::sync::Mutex<()>,
    /// Woken when someone comes online: waiting conversations may go to her.
    pub arrivals: Arc<Notify>,
}

impl Presence {
    pub fn new(rules: PresenceRules) -> Self {
        Presence {
            rules,
            replica: crate::secrets::token::new_token(),
            present: Mutex::new(HashMap::new()),
            settling: tokio::sync::Mutex::new(()),
            arrivals: Arc::new(Notify::new()),
        }
    }

    fn count(&self, agent_id: i64) -> usize {
        self.present
            .lock()
            .map(|p| p.get(&agent_id).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// The agents with a presence in this process.
    fn local(&self) -> Vec<i64> {
        self.present
            .lock()
            .map(|p| p.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Adds `delta` to the agent's presences; whether she went from none to some or
    /// from some to none.
    fn change(&self, agent_id: i64, up: bool) -> bool {
        let Ok(mut present) = self.present.lock() else {
            return false;
        };
        let count = present.entry(agent_id).or_insert(0);
        let before = *count;
        *count = if up {
            before + 1
        } else {
            before.saturating_sub(1)
        };
        let after = *count;
        if after == 0 {
            present.remove(&agent_id);
        }
        (before == 0) != (after == 0)
    }
}

/// One open dashboard tab of an agent; dropped when its socket ends.
pub struct Here {
    presence: Arc<Presence>,
    db: Db,
    hub: Hub,
    account_id: i64,
    agent_id: i64,
    active: bool,
}

impl Here {
    /// A tab opened (in use, until told otherwise).
    pub fn arrive(
        presence: Arc<Presence>,
        db: Db,
        hub: Hub,
        account_id: i64,
        agent_id: i64,
    ) -> Here {
        let mut here = Here {
            presence,
            db,
            hub,
            account_id,
            agent_id,
            active: false,
        };
        here.active();
        here
    }

    /// The tab is in use again.
    pub fn active(&mut self) {
        if !self.active {
            self.active = true;
            self.flip(true, Duration::ZERO);
        }
    }

    /// Nobody has used the tab for the idle time.
    pub fn idle(&mut self) {
        if self.active {
            self.active = false;
            self.flip(false, Duration::ZERO);
        }
    }

    fn flip(&self, up: bool, after: Duration) {
        if !self.presence.rules.automatic || !self.presence.change(self.agent_id, up) {
            return;
        }
        let (presence, db, hub) = (self.presence.clone(), self.db.clone(), self.hub.clone());
        let (account_id, agent_id) = (self.account_id, self.agent_id);
        tokio::spawn(async move {
            if !after.is_zero() {
                tokio::time::sleep(after).await;
            }
            if let Err(err) = settle(&presence, &db, &hub, account_id, agent_id).await {
                tracing::warn!(agent = agent_id, error = %err, "availability not updated");
            }
        });
    }
}

impl Drop for Here {
    fn drop(&mut self) {
        if self.active {
            self.active = false;
            self.flip(false, self.presence.rules.away_grace);
        }
    }
}

/// Brings the stored availability in line with whether she is here now, on any
/// replica: "Ausente" to "En línea" when she is, "En línea" to "Ausente" when she is
/// not; "Ocupado" stays. Records this replica's tabs of hers first.
async fn settle(
    presence: &Presence,
    db: &Db,
    hub: &Hub,
    account_id: i64,
    agent_id: i64,
) -> Result<(), sqlx::Error> {
    let _one_at_a_time = presence.settling.lock().await;
    let mut tx = db.begin_write().await?;
    // One replica's settlement of her at a time (SQLite's write turn already is): the
    // second reads the first's tabs as committed.
    if tx.backend == Backend::Postgres {
        sqlx::query("SELECT id FROM agents WHERE id = $1 FOR NO KEY UPDATE")
            .bind(agent_id)
            .fetch_optional(tx.conn())
            .await?;
    }
    let here = replicas::record(&mut tx, presence, agent_id).await?;
    let (from, to) = if here {
        (Availability::Offline, Availability::Online)
    } else {
        (Availability::Online, Availability::Offline)
    };
    let changed = sqlx::query(
        "UPDATE agents SET availability = $1, updated_at = $2 WHERE id = $3 AND availability = $4 AND active = 1",
    )
    .bind(to.as_str())
    .bind(now_ms())
    .bind(agent_id)
    .bind(from.as_str())
    .execute(tx.conn())
    .await?
    .rows_affected();
    if changed == 0 {
        tx.finish().await?;
        return Ok(());
    }
    tx.append_event(
        account_id,
        EventScope::default(),
        LiveEvent::AgentAvailabilityChanged {
            agent_id,
            availability: to,
        },
    )
    .await?;
    hub.commit(tx).await?;
    if to == Availability::Online {
        presence.arrivals.notify_one();
    }
    Ok(())
}
