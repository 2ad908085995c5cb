//! Availability that follows the open app, and what automatic assignment does with it
//! (issue 27): an agent is online while a tab of hers is open and in use, away when
//! the last one closes or every one goes idle ("busy" is hers alone); a conversation
//! left waiting goes to the first agent who comes online; one the customer reopens
//! while her agent is away goes to the next online member (of its team, when it has
//! one). Every change of hands writes an activity line, manual or automatic.
use std::time::Duration;

use futures::SinkExt;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use app::domain::Availability;
use app::live::presence::PresenceRules;
use support::{availability, becomes, next_availability, open_tab, with_presence};

mod handing;
mod replicas;
mod support;

with_presence!(
    the_open_app_sets_availability = super::RULES,
    an_idle_tab_is_away_until_used = super::IDLE_SOON,
);

/// A short grace after the last tab closes; tabs never idle (tests use no input).
const RULES: PresenceRules = PresenceRules {
    automatic: true,
    away_grace: Duration::from_millis(300),
    idle_after: None,
    heartbeat: Duration::from_secs(1),
};

/// A tab idle after a second and a half without use.
const IDLE_SOON: PresenceRules = PresenceRules {
    idle_after: Some(Duration::from_millis(1500)),
    ..RULES
};

async fn the_open_app_sets_availability(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let mut watching = open_tab(&app, &admin.cookie).await;
    // The administrator's own tab puts her online first.
    let admin_id = app.agent_id(ADMIN).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (admin_id, Availability::Online)
    );
    assert_eq!(availability(&app, lucia_id).await, Availability::Offline);

    // She opens the app: online, and her teammates see it live.
    let first = open_tab(&app, &lucia.cookie).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Online)
    );
    assert_eq!(availability(&app, lucia_id).await, Availability::Online);

    // A second tab; closing one of the two leaves her online.
    let mut second = open_tab(&app, &lucia.cookie).await;
    drop(first);
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, lucia_id).await, Availability::Online);

    // The last one closes: away once the grace period is over.
    second.close(None).await.unwrap();
    drop(second);
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Offline)
    );
    assert_eq!(availability(&app, lucia_id).await, Availability::Offline);

    // A reload (closed and opened again within the grace period) changes nothing.
    let tab = open_tab(&app, &lucia.cookie).await;
    becomes(&app, lucia_id, Availability::Online).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Online)
    );
    drop(tab);
    let _again = open_tab(&app, &lucia.cookie).await;
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, lucia_id).await, Availability::Online);
    assert_silent(&mut watching).await;

    // "Busy" is hers: neither opening nor closing the app changes it.
    let res = app
        .call(
            Some(&lucia.cookie),
            "set_availability",
            &[("availability", "busy")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Busy)
    );
    drop(_again);
    tokio::time::sleep(RULES.away_grace * 3).await;
    let _back = open_tab(&app, &lucia.cookie).await;
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, lucia_id).await, Availability::Busy);
    assert_silent(&mut watching).await;
}

async fn an_idle_tab_is_away_until_used(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let mut tab = open_tab(&app, &lucia.cookie).await;
    becomes(&app, lucia_id, Availability::Online).await;
    // Nobody uses it for the idle time: away, with the tab still open.
    becomes(&app, lucia_id, Availability::Offline).await;
    // She comes back to it.
    tab.send(Message::Text(r#"{"frame":"active"}"#.into()))
        .await
        .unwrap();
    becomes(&app, lucia_id, Availability::Online).await;
    // Anything else a tab might send changes nothing.
    tab.send(Message::Text(r#"{"frame":"nonsense"}"#.into()))
        .await
        .unwrap();
    tab.send(Message::Text("not json".into())).await.unwrap();
    becomes(&app, lucia_id, Availability::Offline).await;
}
