//! Settling an agent's availability across replicas: each process keeps a row per
//! agent it holds a tab of, refreshed by a heartbeat; rows nobody refreshed for three
//! beats belong to a process that stopped, and whichever replica notices settles those
//! agents again. Times are the database's clock, so replicas whose clocks disagree do
//! not take each other's rows for stale.
use std::sync::Arc;

use sqlx::Row;

use super::roster::Presence;
use crate::db::{now_ms, placeholders, Backend, Db, WriteTx};
use crate::domain::Availability;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Heartbeats a replica may miss before its rows count as a stopped process's.
const MISSED_BEATS: u32 = 3;

/// The database's "now", in milliseconds since the epoch.
fn db_now(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
        Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    }
}

fn stale_ms(presence: &Presence) -> i64 {
    (presence.rules.heartbeat * MISSED_BEATS).as_millis() as i64
}

/// Brings the stored availability in line with whether she is here now, on any
/// replica: "Ausente" to "En línea" when she is, "En línea" to "Ausente" when she is
/// not; "Ocupado" stays. Records this replica's tabs of hers first.
pub(super) async fn settle(
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
    let here = record(&mut tx, presence, agent_id).await?;
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

/// Writes whether this replica holds a tab of the agent (a row, or none) and drops
/// her stale rows; whether any replica still holds one.
async fn record(tx: &mut WriteTx, presence: &Presence, agent_id: i64) -> Result<bool, sqlx::Error> {
    let now = db_now(tx.backend);
    if presence.count(agent_id) > 0 {
        sqlx::query(&format!(
            "INSERT INTO agent_presences (replica, agent_id, seen_at) VALUES ($1, $2, {now}) \
             ON CONFLICT (replica, agent_id) DO UPDATE SET seen_at = excluded.seen_at"
        ))
        .bind(&presence.replica)
        .bind(agent_id)
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::query("DELETE FROM agent_presences WHERE replica = $1 AND agent_id = $2")
            .bind(&presence.replica)
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query(&format!(
        "DELETE FROM agent_presences WHERE agent_id = $1 AND seen_at < {now} - $2"
    ))
    .bind(agent_id)
    .bind(stale_ms(presence))
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

/// The process stops serving (a deploy, a scale-down): its rows go now and the agents
/// it held are settled, so teammates see them "Ausente" at once (unless another
/// replica holds a tab of theirs) rather than after three missed beats.
pub async fn leave(presence: &Presence, db: &Db, hub: &Hub) {
    if !presence.rules.automatic {
        return;
    }
    let mut agents = presence.stop();
    // Also the rows of agents whose last tab closed within the grace period (their
    // settlement sleeps and would die with the process) or whose settlement failed.
    match sqlx::query_scalar::<_, i64>("SELECT agent_id FROM agent_presences WHERE replica = $1")
        .bind(&presence.replica)
        .fetch_all(&db.pool)
        .await
    {
        Ok(rows) => {
            for agent_id in rows {
                if !agents.contains(&agent_id) {
                    agents.push(agent_id);
                }
            }
        }
        Err(err) => tracing::warn!(error = %err, "could not read this replica's presence rows"),
    }
    for agent_id in agents {
        settle_logged(presence, db, hub, None, agent_id).await;
    }
}

/// Refreshes the rows of the agents this replica holds (only theirs: a row a failed
/// settlement left behind goes stale rather than living on), writes back any another
/// replica took for stale (this one was slow to beat), and settles the agents of
/// stale rows (a stopped replica's, or one of this replica's a failed settlement left).
#[tracing::instrument(skip_all)]
async fn beat(presence: &Presence, db: &Db, hub: &Hub) -> Result<(), sqlx::Error> {
    let local = presence.local();
    let now = db_now(db.backend);
    if !local.is_empty() {
        let mut tx = db.begin_write().await?;
        let sql = format!(
            "UPDATE agent_presences SET seen_at = {now} WHERE replica = $1 AND agent_id IN ({}) \
             RETURNING agent_id",
            placeholders(2, local.len())
        );
        let mut refresh = sqlx::query_scalar(&sql).bind(&presence.replica);
        for agent_id in &local {
            refresh = refresh.bind(*agent_id);
        }
        let kept: Vec<i64> = refresh.fetch_all(tx.conn()).await?;
        tx.finish().await?;
        for agent_id in local.into_iter().filter(|id| !kept.contains(id)) {
            settle_logged(presence, db, hub, None, agent_id).await;
        }
    }
    let stale = sqlx::query(&format!(
        "SELECT DISTINCT p.agent_id, a.account_id FROM agent_presences p \
         JOIN agents a ON a.id = p.agent_id WHERE p.seen_at < {now} - $1"
    ))
    .bind(stale_ms(presence))
    .fetch_all(&db.pool)
    .await?;
    for row in stale {
        let (agent_id, account_id): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        settle_logged(presence, db, hub, Some(account_id), agent_id).await;
    }
    Ok(())
}

/// Settles one agent; a failure is logged and the beat goes on to the next one.
async fn settle_logged(
    presence: &Presence,
    db: &Db,
    hub: &Hub,
    account_id: Option<i64>,
    agent_id: i64,
) {
    if let Err(err) = settle_agent(presence, db, hub, account_id, agent_id).await {
        tracing::warn!(agent = agent_id, error = %err, "availability not settled");
    }
}

async fn settle_agent(
    presence: &Presence,
    db: &Db,
    hub: &Hub,
    account_id: Option<i64>,
    agent_id: i64,
) -> Result<(), sqlx::Error> {
    let account_id: Option<i64> = match account_id {
        Some(id) => Some(id),
        None => {
            sqlx::query_scalar("SELECT account_id FROM agents WHERE id = $1")
                .bind(agent_id)
                .fetch_optional(&db.pool)
                .await?
        }
    };
    match account_id {
        Some(account_id) => settle(presence, db, hub, account_id, agent_id).await,
        None => Ok(()),
    }
}
