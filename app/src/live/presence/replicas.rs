//! Presence across replicas: each process keeps a row per agent whose tabs it holds,
//! refreshed by a heartbeat; rows nobody refreshed for three beats belong to a process
//! that stopped, and whichever replica notices settles those agents again.
use std::sync::Arc;

use sqlx::Row;

use super::{settle, Presence};
use crate::db::{now_ms, Db, WriteTx};
use crate::live::hub::Hub;

/// Heartbeats a replica may miss before its rows count as a stopped process's.
const MISSED_BEATS: u32 = 3;

fn stale_before(presence: &Presence, now: i64) -> i64 {
    now - (presence.rules.heartbeat * MISSED_BEATS).as_millis() as i64
}

/// Writes this replica's tabs of the agent (none: its row goes) and drops any stale
/// row of hers; whether any replica still holds a tab of hers.
pub(super) async fn record(
    tx: &mut WriteTx,
    presence: &Presence,
    agent_id: i64,
) -> Result<bool, sqlx::Error> {
    let now = now_ms();
    let tabs = presence.count(agent_id) as i64;
    if tabs > 0 {
        sqlx::query(
            "INSERT INTO agent_presences (replica, agent_id, tabs, seen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (replica, agent_id) DO UPDATE SET tabs = excluded.tabs, seen_at = excluded.seen_at",
        )
        .bind(&presence.replica)
        .bind(agent_id)
        .bind(tabs)
        .bind(now)
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::query("DELETE FROM agent_presences WHERE replica = $1 AND agent_id = $2")
            .bind(&presence.replica)
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query("DELETE FROM agent_presences WHERE agent_id = $1 AND seen_at < $2")
        .bind(agent_id)
        .bind(stale_before(presence, now))
        .execute(tx.conn())
        .await?;
    let held: Option<i64> =
        sqlx::query_scalar("SELECT agent_id FROM agent_presences WHERE agent_id = $1 LIMIT 1")
            .bind(agent_id)
            .fetch_optional(tx.conn())
            .await?;
    Ok(held.is_some())
}

/// Runs the heartbeat for the life of the process (only where availability follows
/// the app: otherwise no row is written).
pub fn spawn_heartbeat(presence: Arc<Presence>, db: Db, hub: Hub) {
    if !presence.rules.automatic {
        return;
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(presence.rules.heartbeat).await;
            if let Err(err) = beat(&presence, &db, &hub).await {
                tracing::warn!(error = %err, "presence heartbeat failed; retrying");
            }
        }
    });
}

/// Refreshes this replica's rows, writes back any another replica took for stale
/// (this one was too slow to beat), and settles the agents of stopped replicas.
async fn beat(presence: &Presence, db: &Db, hub: &Hub) -> Result<(), sqlx::Error> {
    let local = presence.local();
    let now = now_ms();
    if !local.is_empty() {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE agent_presences SET seen_at = $1 WHERE replica = $2")
            .bind(now)
            .bind(&presence.replica)
            .execute(tx.conn())
            .await?;
        let kept: Vec<i64> =
            sqlx::query_scalar("SELECT agent_id FROM agent_presences WHERE replica = $1")
                .bind(&presence.replica)
                .fetch_all(tx.conn())
                .await?;
        tx.finish().await?;
        for agent_id in local.into_iter().filter(|id| !kept.contains(id)) {
            settle_agent(presence, db, hub, agent_id).await?;
        }
    }
    let stopped = sqlx::query(
        "SELECT DISTINCT p.agent_id, a.account_id FROM agent_presences p \
         JOIN agents a ON a.id = p.agent_id WHERE p.seen_at < $1",
    )
    .bind(stale_before(presence, now))
    .fetch_all(&db.pool)
    .await?;
    for row in stopped {
        let (agent_id, account_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        settle(presence, db, hub, account_id, agent_id).await?;
    }
    Ok(())
}

async fn settle_agent(
    presence: &Presence,
    db: &Db,
    hub: &Hub,
    agent_id: i64,
) -> Result<(), sqlx::Error> {
    let account: Option<i64> = sqlx::query_scalar("SELECT account_id FROM agents WHERE id = $1")
        .bind(agent_id)
        .fetch_optional(&db.pool)
        .await?;
    match account {
        Some(account_id) => settle(presence, db, hub, account_id, agent_id).await,
        None => Ok(()),
    }
}
