//! The live socket: refused without a session, delivers committed events, resumes.
use tokio_tungstenite::tungstenite::Error as WsError;

use crate::helpers::*;
use crate::on_both_backends;
use app::domain::Availability;
use app::events::{LiveEvent, ServerFrame};

on_both_backends!(
    socket_without_session_is_refused,
    events_reach_connected_agents,
    reconnecting_client_resumes_after_its_last_id,
);

async fn socket_without_session_is_refused(app: TestApp) {
    for cookie in [None, Some("charla_session=not-a-session")] {
        match app.socket(cookie, None).await {
            Err(WsError::Http(response)) => assert_eq!(response.status(), 401),
            Err(other) => panic!("expected an HTTP 401 refusal, got {other}"),
            Ok(_) => panic!("a socket without a session was accepted"),
        }
    }
}

fn availability_of(frame: ServerFrame) -> (i64, i64, Availability) {
    match frame {
        ServerFrame::Event(envelope) => match envelope.event {
            LiveEvent::AgentAvailabilityChanged {
                agent_id,
                availability,
            } => (envelope.id, agent_id, availability),
            other => panic!("expected an availability change, got {other:?}"),
        },
        other => panic!("expected an event, got {other:?}"),
    }
}

async fn events_reach_connected_agents(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    let mut socket = app.socket(Some(&lucia.cookie), None).await.expect("socket");
    let ServerFrame::Hello { last_event_id } = next_frame(&mut socket).await else {
        panic!("first frame must be hello");
    };

    for availability in ["busy", "online"] {
        let res = app
            .call(
                Some(&admin.cookie),
                "set_availability",
                &[("availability", availability)],
            )
            .await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    let (first, agent, state) = availability_of(next_frame(&mut socket).await);
    assert!(first > last_event_id);
    assert_eq!(state, Availability::Busy);
    let (second, agent2, state2) = availability_of(next_frame(&mut socket).await);
    assert_eq!((agent2, state2), (agent, Availability::Online));
    assert!(second > first, "ids increase");

    // Bad input is refused and changes nothing.
    let res = app
        .call(
            Some(&admin.cookie),
            "set_availability",
            &[("availability", "asleep")],
        )
        .await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(status.is_client_error(), "{status} {body}");
    assert_silent(&mut socket).await;
}

async fn reconnecting_client_resumes_after_its_last_id(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    let ServerFrame::Hello {
        last_event_id: start,
    } = next_frame(&mut socket).await
    else {
        panic!("hello expected");
    };
    drop(socket);

    // Three changes while the client is away.
    for availability in ["busy", "offline", "online"] {
        app.call(
            Some(&admin.cookie),
            "set_availability",
            &[("availability", availability)],
        )
        .await;
    }
    let mut socket = app.socket(Some(&lucia.cookie), Some(start)).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    let replayed: Vec<_> = [
        next_frame(&mut socket).await,
        next_frame(&mut socket).await,
        next_frame(&mut socket).await,
    ]
    .into_iter()
    .map(availability_of)
    .collect();
    let states: Vec<_> = replayed.iter().map(|r| r.2).collect();
    assert_eq!(
        states,
        [
            Availability::Busy,
            Availability::Offline,
            Availability::Online
        ]
    );
    assert!(replayed.windows(2).all(|w| w[0].0 < w[1].0), "in id order");

    // Resuming from the newest id replays nothing, but live events still flow.
    let newest = replayed[2].0;
    let mut socket = app.socket(Some(&lucia.cookie), Some(newest)).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    assert_silent(&mut socket).await;
    app.call(
        Some(&admin.cookie),
        "set_availability",
        &[("availability", "busy")],
    )
    .await;
    let (id, _, state) = availability_of(next_frame(&mut socket).await);
    assert!(id > newest);
    assert_eq!(state, Availability::Busy);
}

mod retention {
    use super::*;
    use app::db::now_ms;

    /// A client resuming from before the retained log is told to reload, not fed a gap.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pruned_gap_asks_the_client_to_resync() {
        let app = spawn_app(Backend::Sqlite).await.unwrap();
        let lucia = app.sign_in(LUCIA).await;
        let admin = app.sign_in(ADMIN).await;
        for availability in ["busy", "online", "busy"] {
            app.call(
                Some(&admin.cookie),
                "set_availability",
                &[("availability", availability)],
            )
            .await;
        }
        // Age the first two events past the retention and sweep.
        sqlx::query("UPDATE events SET created_at = $1 WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 2)")
            .bind(now_ms() - 30 * 24 * 3600 * 1000)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let (_, pruned) = server::maintenance::sweep(&app.state.db, 7).await.unwrap();
        assert_eq!(pruned, 2);
        let mut socket = app.socket(Some(&lucia.cookie), Some(0)).await.unwrap();
        match next_frame(&mut socket).await {
            ServerFrame::Resync { last_event_id } => assert!(last_event_id > 0),
            other => panic!("expected resync, got {other:?}"),
        }
    }
}
