//! No webhook delivery is lost when the server process is killed (SIGKILL) and started
//! again on the same database. 300 replies are sent while a webhook on
//! `message_created` points at a local receiver that answers slowly (so deliveries are
//! in flight at the kill); the kill comes after 150 sends were answered. What must hold:
//! every reply reaches the receiver at least once; a delivery in flight at the kill may
//! come twice (its lease expires and it is sent again, with the same
//! `X-Chatwoot-Delivery`, by which a receiver drops it). The figures are printed.
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use serde_json::{json, Value};

use crate::crash::{call, free_port, sign_in, Process};
use crate::helpers::{client, fresh_postgres};

const MESSAGES: usize = 300;
const KILL_AFTER: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("charla.db").display()
    );
    no_delivery_is_lost("SQLite", dir.path(), url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    no_delivery_is_lost("PostgreSQL", dir.path(), url).await;
}

/// Message id → (requests received, delivery ids seen).
type Seen = Arc<Mutex<HashMap<i64, (usize, Vec<String>)>>>;

async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let kept = seen.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                // Slow enough that deliveries are in flight when the server dies.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                if let Some(id) = value["id"].as_i64() {
                    let delivery = headers
                        .get("x-chatwoot-delivery")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    let mut map = kept.lock().unwrap();
                    let entry = map.entry(id).or_default();
                    entry.0 += 1;
                    entry.1.push(delivery);
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

/// The same request with the same key until it is answered (as the browser's queue
/// does); the stored message's id.
async fn send(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    conversation: i64,
    i: usize,
) -> i64 {
    let body = json!({"conversation_id": conversation, "body": format!("Pedido {i:04}"),
        "private": false, "idempotency_key": format!("hook-crash-{i}"), "mentions": []});
    for _ in 0..2_000 {
        let res = http
            .post(format!("{base}/api/conversations/send"))
            .header("cookie", cookie)
            .json(&body)
            .send()
            .await;
        if let Ok(res) = res {
            if res.status().is_success() {
                let message: Value = res.json().await.unwrap();
                return message["id"].as_i64().unwrap();
            }
            assert!(res.status().is_server_error(), "send {i}: {}", res.status());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("send {i} never answered");
}

async fn no_delivery_is_lost(label: &str, data_dir: &Path, database_url: String) {
    let addr = free_port();
    let base = format!("http://{addr}");
    let mut server = Process::start(addr, data_dir, &database_url).await;
    let (url, seen) = receiver().await;
    let cookie = sign_in(&base).await;
    call(&base, &cookie, "webhooks/save", json!({"id": null, "input": {"name": "crash", "url": url, "subscriptions": ["message_created"]}})).await;
    let list = call(
        &base,
        &cookie,
        "conversations/list",
        json!({"tab": "all", "status": "open", "after": null}),
    )
    .await;
    let conversation = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "web_chat")
        .expect("a web chat conversation")["id"]
        .as_i64()
        .unwrap();

    let http = client();
    let mut ids = Vec::with_capacity(MESSAGES);
    for i in 0..KILL_AFTER {
        ids.push(send(&http, &base, &cookie, conversation, i).await);
    }
    let delivered_before_kill = seen.lock().unwrap().len();
    server.kill_9();
    let killed = Instant::now();
    let _server = Process::start(addr, data_dir, &database_url).await;
    let restarted = killed.elapsed();
    let cookie = sign_in(&base).await;
    for i in KILL_AFTER..MESSAGES {
        ids.push(send(&http, &base, &cookie, conversation, i).await);
    }
    // A delivery claimed at the kill is taken again when its lease (60 s) expires.
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let missing = ids
            .iter()
            .filter(|id| !seen.lock().unwrap().contains_key(id))
            .count();
        if missing == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let lost: Vec<&i64> = ids.iter().filter(|id| !seen.contains_key(id)).collect();
    let twice = ids
        .iter()
        .filter(|id| seen.get(id).is_some_and(|(n, _)| *n > 1))
        .count();
    for id in &ids {
        if let Some((_, deliveries)) = seen.get(id) {
            assert!(
                deliveries.windows(2).all(|w| w[0] == w[1]),
                "a message came in two different deliveries: {deliveries:?}"
            );
        }
    }
    println!(
        "{label}: {MESSAGES} replies, server killed after {KILL_AFTER} (delivered by then: {delivered_before_kill}), \
         back in {:.1} s; lost {}, delivered twice {twice}",
        restarted.as_secs_f64(),
        lost.len()
    );
    assert!(lost.is_empty(), "{label}: deliveries lost: {lost:?}");
}
