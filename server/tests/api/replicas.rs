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

/// Whether the socket closes (rather than staying open) within 10 s; frames before the
/// close are read past.
async fn closes(socket: &mut Socket) -> bool {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

/// A session ended on one replica (sign-out, or a password change in another browser)
/// closes its live sockets on the other; the agent's other sessions keep streaming.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ended_sessions_stop_streaming_on_every_replica() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let replica_a = spawn_on(url.clone(), None).await;
    let replica_b = spawn_on(url, None).await;
    let laptop = replica_a.sign_in(LUCIA).await;
    let phone = replica_a.sign_in(LUCIA).await;
    let tablet = replica_b.sign_in(LUCIA).await;
    let mut on_b = Vec::new();
    for who in [&laptop, &phone, &tablet] {
        let mut socket = replica_b.socket(Some(&who.cookie), None).await.unwrap();
        assert!(matches!(
            next_frame(&mut socket).await,
            ServerFrame::Hello { .. }
        ));
        on_b.push(socket);
    }
    let [mut laptop_socket, mut phone_socket, mut tablet_socket]: [Socket; 3] =
        on_b.try_into().ok().unwrap();

    // The laptop signs out through replica A: its socket on B closes, the others stay.
    let res = replica_a.call(Some(&laptop.cookie), "logout", &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert!(
        closes(&mut laptop_socket).await,
        "the signed-out socket kept streaming"
    );
    let admin = replica_a.sign_in(ADMIN).await;
    replica_a
        .call(
            Some(&admin.cookie),
            "set_availability",
            &[("availability", "busy")],
        )
        .await;
    for socket in [&mut phone_socket, &mut tablet_socket] {
        let mut saw_availability = false;
        for _ in 0..3 {
            if let ServerFrame::Event(envelope) = next_frame(socket).await {
                if matches!(envelope.event, LiveEvent::AgentAvailabilityChanged { .. }) {
                    saw_availability = true;
                    break;
                }
            }
        }
        assert!(saw_availability, "another session stopped streaming");
    }

    // The phone changes the password through A: the tablet's socket closes, the
    // phone's own stays open.
    let res = replica_a
        .call_json(
            Some(&phone.cookie),
            "profile/password",
            serde_json::json!({"current": PASSWORD, "new": "una-clave-nueva-larga"}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(
        closes(&mut tablet_socket).await,
        "the other browser's socket kept streaming"
    );
    assert!(
        !closes_soon(&mut phone_socket).await,
        "the phone's own socket closed"
    );
}

/// Whether the socket closes within half a second (frames read past).
async fn closes_soon(socket: &mut Socket) -> bool {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match tokio::time::timeout(std::time::Duration::from_millis(500), socket.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}
