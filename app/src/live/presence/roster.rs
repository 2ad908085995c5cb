//! Who is here in this process: the rules availability follows, and the open,
//! non-idle tabs of each agent this process holds.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

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
    pub(super) replica: String,
    present: Mutex<HashMap<i64, usize>>,
    /// Set when the process stops serving: its tabs no longer count, whatever its
    /// last sockets still say.
    stopping: AtomicBool,
    /// One settlement at a time, so a late "away" never overwrites a newer "online".
    pub(super) settling: tokio::sync::Mutex<()>,
    /// Woken when someone comes online: waiting conversations may go to her.
    pub arrivals: Arc<Notify>,
}

impl Presence {
    pub fn new(rules: PresenceRules) -> Self {
        Presence {
            rules,
            replica: crate::secrets::token::new_token(),
            present: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            settling: tokio::sync::Mutex::new(()),
            arrivals: Arc::new(Notify::new()),
        }
    }

    pub(super) fn count(&self, agent_id: i64) -> usize {
        self.present
            .lock()
            .map(|p| p.get(&agent_id).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// The agents with a presence in this process.
    pub(super) fn local(&self) -> Vec<i64> {
        self.present
            .lock()
            .map(|p| p.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Adds `delta` to the agent's presences; whether she went from none to some or
    /// from some to none.
    pub(super) fn change(&self, agent_id: i64, up: bool) -> bool {
        let Ok(mut present) = self.present.lock() else {
            return false;
        };
        if self.stopping.load(Ordering::SeqCst) {
            return false;
        }
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

    /// The process stops serving: every tab it holds is let go at once; the agents
    /// it held.
    pub(super) fn stop(&self) -> Vec<i64> {
        let Ok(mut present) = self.present.lock() else {
            return Vec::new();
        };
        self.stopping.store(true, Ordering::SeqCst);
        present.drain().map(|(agent_id, _)| agent_id).collect()
    }
}
