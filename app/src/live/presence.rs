//! Availability that follows the open app: an agent whose dashboard is open and in use
//! is "En línea"; when her last tab closes (after a grace period, so a reload does not
//! flicker) or every open tab has gone idle, she is "Ausente". "Ocupado" is hers to set
//! and is never changed for her. Each open, non-idle socket is one presence, counted
//! by its process (`roster`) and recorded for the others (`settle`): she is here while
//! any replica holds a tab of hers.
use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
use crate::live::hub::Hub;

mod roster;
mod settle;
pub use roster::{Presence, PresenceRules};
pub use settle::{leave, spawn_heartbeat};

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
            if let Err(err) = settle::settle(&presence, &db, &hub, account_id, agent_id).await {
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
