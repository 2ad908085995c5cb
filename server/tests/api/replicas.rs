//! Two server replicas on one PostgreSQL database: an event produced through
//! replica A reaches a socket connected to replica B.
use crate::helpers::*;
use app::domain::Availability;
use app::events::{LiveEvent, ServerFrame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_made_on_one_replica_reaches_sockets_of_another() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let replica_a = spawn_on(url.clone(), None).await;
    let replica_b = spawn_on(url, None).await;

    let admin_on_a = replica_a.sign_in(ADMIN).await;
    // Sessions live in the shared database: a cookie from A works on B.
    let lucia_on_b = replica_b.sign_in(LUCIA).await;
    let mut socket = replica_b
        .socket(Some(&lucia_on_b.cookie), None)
        .await
        .expect("socket on B");
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));

    let res = replica_a
        .call(
            Some(&admin_on_a.cookie),
            "set_availability",
            &[("availability", "busy")],
        )
        .await;
    assert!(res.status().is_success());

    match next_frame(&mut socket).await {
        ServerFrame::Event(envelope) => assert!(matches!(
            envelope.event,
            LiveEvent::AgentAvailabilityChanged {
                availability: Availability::Busy,
                ..
            }
        )),
        other => panic!("expected the event from replica A, got {other:?}"),
    }
    // And a socket on A sees changes made through B.
    let mut socket_a = replica_a
        .socket(Some(&admin_on_a.cookie), None)
        .await
        .unwrap();
    assert!(matches!(
        next_frame(&mut socket_a).await,
        ServerFrame::Hello { .. }
    ));
    replica_b
        .call(
            Some(&lucia_on_b.cookie),
            "set_availability",
            &[("availability", "online")],
        )
        .await;
    assert!(matches!(
        next_frame(&mut socket_a).await,
        ServerFrame::Event(_)
    ));
}
