//! PostgreSQL going away for a while: the server reaches it through a TCP relay that
//! the test cuts (every open connection dropped, new ones refused) and restores, which
//! is what a stopped or restarted database looks like from the server, without
//! stopping the machine's PostgreSQL under the other tests.
//!
//! While it is away an agent's send is answered within seconds by a clear "unavailable"
//! error (503) and stores nothing; once it is back the same send (same idempotency key)
//! goes through, once, and reaches the live sockets, with no restart of the server.
use futures::StreamExt;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{fresh_postgres, next_frame, spawn_on, TestApp, ADMIN};
use app::conversations::model::MessageView;
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};

/// A TCP relay to PostgreSQL that can be cut and restored.
struct Relay {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (up2, links2) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    // Refused: closed at once, as a stopped server's port would be.
                    drop(client);
                    continue;
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                links2.lock().unwrap().push(link);
            }
        });
        Relay { addr, up, links }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn send(app: &TestApp, cookie: &str, conversation: i64, key: &str) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "conversations/send",
        json!({"conversation_id": conversation, "body": "Sigue en camino", "private": false,
            "idempotency_key": key, "mentions": []}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_goes_away_and_comes_back() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let (host_port, rest) = url
        .trim_start_matches("postgres://")
        .split_once('@')
        .map(|(_, hp)| hp.split_once('/').unwrap())
        .unwrap();
    let target: SocketAddr = tokio::net::lookup_host(host_port)
        .await
        .unwrap()
        .next()
        .unwrap();
    let relay = Relay::start(target).await;
    let user = url
        .trim_start_matches("postgres://")
        .split_once('@')
        .unwrap()
        .0;
    let relayed = format!("postgres://{user}@{}/{rest}", relay.addr);
    let app = spawn_on(relayed, None).await;

    let admin = app.sign_in(ADMIN).await;
    let conversation: i64 = sqlx::query_scalar("SELECT id FROM conversations ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mut socket = app.socket(Some(&admin.cookie), None).await.unwrap();
    let ServerFrame::Hello { last_event_id } = next_frame(&mut socket).await else {
        panic!("no hello");
    };
    let mut last_seen = last_event_id;
    assert!(send(&app, &admin.cookie, conversation, "antes")
        .await
        .status()
        .is_success());

    // Away: a clear error, nothing stored.
    relay.cut();
    let asked = Instant::now();
    let res = send(&app, &admin.cookie, conversation, "durante").await;
    let answered_in = asked.elapsed();
    assert_eq!(res.status(), 503);
    let err: AppError = res.json().await.unwrap();
    assert_eq!(err, AppError::Unavailable);
    // Sign-in pages and sockets say the same, not "wrong password".
    let res = app
        .call(None, "login", &[("email", ADMIN), ("password", "x")])
        .await;
    assert_eq!(res.status(), 503);

    // Back: the same send (same key) goes through once, the socket hears of it.
    relay.restore();
    let restored = Instant::now();
    let message: MessageView = loop {
        let res = send(&app, &admin.cookie, conversation, "durante").await;
        if res.status().is_success() {
            break res.json().await.unwrap();
        }
        assert_eq!(res.status(), 503, "only 'unavailable' while it comes back");
        assert!(
            restored.elapsed() < Duration::from_secs(60),
            "never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let recovered_in = restored.elapsed();
    let again = send(&app, &admin.cookie, conversation, "durante").await;
    assert_eq!(again.json::<MessageView>().await.unwrap().id, message.id);
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = 'durante'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 1);
    // The socket opened before the outage hears of the new message (the hub's listener
    // reconnected by itself).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "the socket never heard of it");
        match tokio::time::timeout(Duration::from_secs(30), socket.next()).await {
            Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text)))) => {
                if let Ok(ServerFrame::Event(event)) = serde_json::from_str(text.as_str()) {
                    last_seen = event.id;
                    if matches!(&event.event, LiveEvent::MessageCreated { message: m } if m.id == message.id)
                    {
                        break;
                    }
                }
            }
            Ok(Some(Ok(_))) => {}
            // The server may close a socket whose database went away; a new one
            // resumes from the last event this one saw, as the browser does.
            _ => {
                socket = app
                    .socket(Some(&admin.cookie), Some(last_seen))
                    .await
                    .unwrap();
            }
        }
    }
    println!(
        "database outage: send answered 503 in {:.2} s while away; first send accepted {:.2} s after it came back; stored once; live event delivered",
        answered_in.as_secs_f64(),
        recovered_in.as_secs_f64()
    );
}
