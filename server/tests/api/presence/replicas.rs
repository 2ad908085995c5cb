//! Availability across replicas (issue 27): an agent is "En línea" while a tab of hers
//! is open on any server process sharing the database, not only on the one that saw
//! her last tab close; a process that stops leaves rows nobody refreshes, and another
//! one makes her "Ausente" once they are stale; a process too slow to say it is alive
//! puts back what another took for stale; a process told to stop lets go of its
//! agents at once.
use std::time::Duration;

use futures::SinkExt;

use super::support::{availability, becomes, open_tab, until, with_presence};
use crate::helpers::*;
use app::domain::Availability;
use app::live::presence::PresenceRules;

with_presence!(
    a_stopped_replica_s_tabs_expire = super::RULES,
    a_slow_replica_puts_back_what_was_taken_for_stale = super::RULES,
    a_replica_that_stops_lets_go_at_once = super::RULES,
);

/// Reloads settle within a short grace; a replica says it is alive twice a second
/// (its rows stale after a second and a half unrefreshed).
const RULES: PresenceRules = PresenceRules {
    automatic: true,
    away_grace: Duration::from_millis(300),
    idle_after: None,
    heartbeat: Duration::from_millis(500),
};

/// Two replicas beating every two seconds: a loaded machine's late beat is not taken
/// for a stopped replica's.
const TWO_REPLICAS: PresenceRules = PresenceRules {
    heartbeat: Duration::from_secs(2),
    ..RULES
};

fn adjust_replica(config: &mut server::Config) {
    config.presence = TWO_REPLICAS;
}

async fn rows_of(app: &TestApp, agent_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM agent_presences WHERE agent_id = $1")
        .bind(agent_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn she_is_online_while_any_replica_holds_a_tab_of_hers() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let replica_a = spawn_on_with(url.clone(), None, adjust_replica).await;
    let replica_b = spawn_on_with(url, None, adjust_replica).await;
    let lucia = replica_a.sign_in(LUCIA).await;
    let lucia_id = replica_a.agent_id(LUCIA).await;

    let mut on_a = open_tab(&replica_a, &lucia.cookie).await;
    becomes(&replica_a, lucia_id, Availability::Online).await;
    let mut on_b = open_tab(&replica_b, &lucia.cookie).await;
    until("each replica holds her", || async {
        rows_of(&replica_a, lucia_id).await == 2
    })
    .await;

    // The tab on A closes: B still holds one, so she stays online.
    on_a.close(None).await.unwrap();
    drop(on_a);
    tokio::time::sleep(RULES.away_grace * 4).await;
    assert_eq!(
        availability(&replica_a, lucia_id).await,
        Availability::Online
    );
    assert_eq!(rows_of(&replica_a, lucia_id).await, 1);
    // Beats go by and change nothing.
    tokio::time::sleep(TWO_REPLICAS.heartbeat * 2).await;
    assert_eq!(
        availability(&replica_b, lucia_id).await,
        Availability::Online
    );

    // Her last tab, on B, closes: away.
    on_b.close(None).await.unwrap();
    drop(on_b);
    becomes(&replica_a, lucia_id, Availability::Offline).await;
    assert_eq!(rows_of(&replica_a, lucia_id).await, 0);
}

/// One of two replicas stops: she stays online through the other, which holds a tab
/// of hers, and only the stopped one's row goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_replica_leaves_her_online_where_another_holds_her() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let replica_a = spawn_on_with(url.clone(), None, adjust_replica).await;
    let replica_b = spawn_on_with(url, None, adjust_replica).await;
    let lucia = replica_a.sign_in(LUCIA).await;
    let lucia_id = replica_a.agent_id(LUCIA).await;
    let _on_a = open_tab(&replica_a, &lucia.cookie).await;
    let _on_b = open_tab(&replica_b, &lucia.cookie).await;
    until("each replica holds her", || async {
        rows_of(&replica_a, lucia_id).await == 2
    })
    .await;
    becomes(&replica_a, lucia_id, Availability::Online).await;

    let a = &replica_a.state;
    app::live::presence::leave(&a.presence, &a.db, &a.hub).await;
    assert_eq!(
        availability(&replica_b, lucia_id).await,
        Availability::Online
    );
    assert_eq!(rows_of(&replica_b, lucia_id).await, 1);
}

async fn a_stopped_replica_s_tabs_expire(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let admin_id = app.agent_id(ADMIN).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let _tab = open_tab(&app, &admin.cookie).await;
    becomes(&app, admin_id, Availability::Online).await;

    // Lucía was online through a replica that has since stopped: its row is an hour
    // old (her status first: a beat between the two finds her row and settles her).
    sqlx::query("UPDATE agents SET availability = 'online' WHERE id = $1")
        .bind(lucia_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO agent_presences (replica, agent_id, seen_at) VALUES ('stopped', $1, $2)",
    )
    .bind(lucia_id)
    .bind(app::db::now_ms() - 3_600_000)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    becomes(&app, lucia_id, Availability::Offline).await;
    assert_eq!(rows_of(&app, lucia_id).await, 0);
    // The administrator, whose tab this replica holds and beats for, is still here.
    assert_eq!(availability(&app, admin_id).await, Availability::Online);
    assert_eq!(rows_of(&app, admin_id).await, 1);
}

async fn a_slow_replica_puts_back_what_was_taken_for_stale(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let admin_id = app.agent_id(ADMIN).await;
    let mut tab = open_tab(&app, &admin.cookie).await;
    becomes(&app, admin_id, Availability::Online).await;

    // Another replica took this one's row for a stopped process's and made her away
    // (in this order, as it does: a beat between the two finds her row missing).
    sqlx::query("UPDATE agents SET availability = 'offline' WHERE id = $1")
        .bind(admin_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM agent_presences WHERE agent_id = $1")
        .bind(admin_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    // The next beat finds her tab still open here.
    becomes(&app, admin_id, Availability::Online).await;
    assert_eq!(rows_of(&app, admin_id).await, 1);
    tab.send(tokio_tungstenite::tungstenite::Message::Close(None))
        .await
        .unwrap();
}

/// A replica told to stop (a deploy, a scale-down) does not leave its agents online
/// for three missed beats: they are away as soon as it has let go, though their tabs'
/// sockets are still open, and so is one whose last tab closed a moment before (her
/// grace period would have ended after the process); a tab opened afterwards on the
/// stopping replica changes nothing.
async fn a_replica_that_stops_lets_go_at_once(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let (lucia_id, marcos_id) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let _lucias = open_tab(&app, &lucia.cookie).await;
    let mut marcos_tab = open_tab(&app, &marcos.cookie).await;
    becomes(&app, lucia_id, Availability::Online).await;
    becomes(&app, marcos_id, Availability::Online).await;
    assert_eq!(rows_of(&app, lucia_id).await, 1);
    // Marcos closes his tab; his grace period is still running when the replica stops.
    marcos_tab.close(None).await.unwrap();
    drop(marcos_tab);
    tokio::time::sleep(Duration::from_millis(100)).await;

    app::live::presence::leave(&app.state.presence, &app.state.db, &app.state.hub).await;
    for agent_id in [lucia_id, marcos_id] {
        assert_eq!(availability(&app, agent_id).await, Availability::Offline);
        assert_eq!(rows_of(&app, agent_id).await, 0);
    }

    let _late = open_tab(&app, &lucia.cookie).await;
    tokio::time::sleep(RULES.heartbeat * 2).await;
    assert_eq!(availability(&app, lucia_id).await, Availability::Offline);
    assert_eq!(rows_of(&app, lucia_id).await, 0);
}
