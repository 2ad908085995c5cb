//! Webhooks (issue 30): an administrator adds one through the Chatwoot-compatible API;
//! Charla POSTs Chatwoot-shaped events to a local receiver, signed with the webhook's
//! secret; a receiver that fails is tried again (same delivery id) until it answers;
//! private notes reach only webhooks that ask for them; the delivery log tells.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    events_arrive_signed_and_failures_are_retried,
    only_administrators_add_webhooks_to_allowed_addresses,
);

#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Clone, Default)]
pub(crate) struct Receiver {
    pub got: Arc<Mutex<Vec<Received>>>,
    /// Answers 500 to this many requests first.
    fail_first: Arc<Mutex<usize>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    r.got.lock().unwrap().push(Received { headers, body });
    let mut left = r.fail_first.lock().unwrap();
    if *left > 0 {
        *left -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

pub(crate) async fn start_receiver(fail_first: usize) -> (String, Receiver) {
    let receiver = Receiver {
        fail_first: Arc::new(Mutex::new(fail_first)),
        ..Default::default()
    };
    let router = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/hook"), receiver)
}

/// Waits until the receiver holds a request matching `want` (after `from`).
pub(crate) async fn wait_for(
    receiver: &Receiver,
    from: usize,
    want: impl Fn(&Value) -> bool,
) -> (usize, Received, Value) {
    for _ in 0..300 {
        let got = receiver.got.lock().unwrap().clone();
        for (i, r) in got.iter().enumerate().skip(from) {
            let body: Value = serde_json::from_str(&r.body).unwrap();
            if want(&body) {
                return (i, r.clone(), body);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no such webhook request; got {:?}",
        receiver.got.lock().unwrap()
    );
}

async fn api(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client()
        .request(method, app.url(path))
        .header("api_access_token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) fn verify(secret: &str, received: &Received) {
    let timestamp = received.headers["x-chatwoot-timestamp"].to_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", received.body).as_bytes());
    let want = format!("sha256={}", hex_encode(&mac.finalize().into_bytes()));
    assert_eq!(
        received.headers["x-chatwoot-signature"].to_str().unwrap(),
        want
    );
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn events_arrive_signed_and_failures_are_retried(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let (url, receiver) = start_receiver(1).await;
    let (status, created) = api(&app, &admin, Method::POST, &at("/webhooks"), Some(json!({"webhook": {"url": url, "name": "tienda", "subscriptions": ["message_created", "conversation_status_changed", "conversation_updated"]}}))).await;
    assert_eq!(status, 200, "{created}");
    let hook = &created["payload"]["webhook"];
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32);
    let id = hook["id"].as_i64().unwrap();
    let (_, listed) = api(&app, &admin, Method::GET, &at("/webhooks"), None).await;
    assert_eq!(listed["payload"]["webhooks"][0]["url"], url);

    // A note first (not for this webhook), then a reply.
    let (status, _) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Nota solo para el equipo", "private": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, sent) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Tu pedido sale hoy"})),
    )
    .await;
    assert_eq!(status, 200);

    // The first try fails (500); the retry brings the same delivery, signed again.
    let (first_i, first, body) = wait_for(&receiver, 0, |b| b["event"] == "message_created").await;
    let (_, retry, again) =
        wait_for(&receiver, first_i + 1, |b| b["event"] == "message_created").await;
    assert_eq!(
        first.headers["x-chatwoot-delivery"],
        retry.headers["x-chatwoot-delivery"]
    );
    assert_eq!(body, again);
    verify(&secret, &first);
    verify(&secret, &retry);
    assert_eq!(body["id"], sent["id"]);
    assert_eq!(body["content"], "Tu pedido sale hoy");
    assert_eq!(body["message_type"], "outgoing");
    assert_eq!(body["private"], false);
    assert_eq!(body["conversation"]["id"], 1);
    assert_eq!(body["account"]["id"], account);
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
    let all = receiver.got.lock().unwrap().clone();
    assert!(
        all.iter()
            .all(|r| !r.body.contains("Nota solo para el equipo")),
        "a private note reaches only webhooks that ask for them"
    );

    // A status change, with what changed.
    let (status, _) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/conversations/1/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, changed) = wait_for(&receiver, 0, |b| {
        b["event"] == "conversation_status_changed"
    })
    .await;
    assert_eq!(changed["id"], 1);
    assert_eq!(changed["status"], "resolved");
    assert_eq!(
        changed["changed_attributes"],
        json!([{"status": {"previous_value": "open", "current_value": "resolved"}}])
    );

    // A change of priority, then of team: each says what changed.
    let (status, _) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/conversations/1/toggle_priority"),
        Some(json!({"priority": "urgent"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, urgent) = wait_for(&receiver, 0, |b| {
        b["event"] == "conversation_updated" && b["changed_attributes"][0].get("priority").is_some()
    })
    .await;
    assert_eq!(
        urgent["changed_attributes"],
        json!([{"priority": {"previous_value": null, "current_value": "urgent"}}])
    );

    // Labels put on, then one taken off: Chatwoot's `label_list`, by title.
    for title in ["mayorista", "reclamación"] {
        let (status, body) = api(
            &app,
            &admin,
            Method::POST,
            &at("/labels"),
            Some(json!({"title": title})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let labelled = |labels: Value| {
        let (app, lucia, at) = (&app, &lucia, &at);
        async move {
            let (status, body) = api(
                app,
                lucia,
                Method::POST,
                &at("/conversations/1/labels"),
                Some(json!({"labels": labels})),
            )
            .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    labelled(json!(["mayorista", "reclamación"])).await;
    let (_, _, added) = wait_for(&receiver, 0, |b| {
        b["event"] == "conversation_updated"
            && b["changed_attributes"][0].get("label_list").is_some()
    })
    .await;
    let mut now = added["changed_attributes"][0]["label_list"]["current_value"]
        .as_array()
        .unwrap()
        .clone();
    now.sort_by_key(|v| v.as_str().unwrap_or_default().to_owned());
    assert_eq!(now, vec![json!("mayorista"), json!("reclamación")]);
    assert_eq!(
        added["changed_attributes"][0]["label_list"]["previous_value"],
        json!([])
    );
    labelled(json!(["mayorista"])).await;
    let (_, _, removed) = wait_for(&receiver, 0, |b| {
        b["event"] == "conversation_updated"
            && b["changed_attributes"][0]["label_list"]["current_value"] == json!(["mayorista"])
    })
    .await;
    assert_eq!(removed["changed_attributes"].as_array().unwrap().len(), 1);

    // The delivery log: the reply delivered on the second try.
    let signed = app.sign_in(ADMIN).await;
    let log: Vec<app::chatwoot::webhooks::model::DeliveryView> = app
        .ok(&signed.cookie, "webhooks/deliveries", json!({"id": id}))
        .await;
    let reply = log
        .iter()
        .find(|d| d.event == "message_created")
        .expect("logged");
    assert_eq!(
        reply.state,
        app::chatwoot::webhooks::model::DeliveryState::Delivered
    );
    assert_eq!((reply.attempts, reply.last_status), (2, Some(200)));
    assert!(
        log.iter().all(|d| d.event != "conversation_created"),
        "only what it asked for"
    );

    // A webhook that asks for notes gets them.
    let (url2, notes) = start_receiver(0).await;
    let (status, _) = api(
        &app,
        &admin,
        Method::POST,
        &at("/webhooks"),
        Some(json!({"url": url2, "subscriptions": ["message_created", "contact_created", "contact_updated"], "include_private": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Otra nota", "private": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, note) = wait_for(&notes, 0, |b| b["content"] == "Otra nota").await;
    assert_eq!(note["private"], true);

    // Contacts: created and changed.
    let (status, created) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/contacts"),
        Some(json!({"name": "Nueva Clienta", "email": "nueva@example.com"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let contact_id = created["payload"]["contact"]["id"].clone();
    let (_, _, born) = wait_for(&notes, 0, |b| b["event"] == "contact_created").await;
    assert_eq!(
        (&born["id"], &born["email"]),
        (&contact_id, &json!("nueva@example.com"))
    );
    assert_eq!(born["account"]["id"], account);
    let (status, _) = api(
        &app,
        &lucia,
        Method::PUT,
        &at(&format!("/contacts/{contact_id}")),
        Some(json!({"name": "Nueva Clienta López"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, changed) = wait_for(&notes, 0, |b| b["event"] == "contact_updated").await;
    assert_eq!(changed["name"], "Nueva Clienta López");

    // Removing a webhook stops it.
    let (status, _) = api(
        &app,
        &admin,
        Method::DELETE,
        &at(&format!("/webhooks/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, listed) = api(&app, &admin, Method::GET, &at("/webhooks"), None).await;
    assert_eq!(listed["payload"]["webhooks"].as_array().unwrap().len(), 1);
}

async fn only_administrators_add_webhooks_to_allowed_addresses(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let good =
        json!({"url": "https://hooks.example.com/charla", "subscriptions": ["message_created"]});
    let (status, _) = api(
        &app,
        &lucia,
        Method::POST,
        &at("/webhooks"),
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(&app, &lucia, Method::GET, &at("/webhooks"), None).await;
    assert_eq!(status, 403);
    for (body, field) in [
        (
            json!({"url": "ftp://x.example", "subscriptions": ["message_created"]}),
            "url",
        ),
        (
            json!({"url": "https://x.example", "subscriptions": []}),
            "subscriptions",
        ),
        (
            json!({"url": "https://x.example", "subscriptions": ["message_deleted"]}),
            "subscriptions",
        ),
    ] {
        let (status, answer) = api(&app, &admin, Method::POST, &at("/webhooks"), Some(body)).await;
        assert_eq!(
            (status, &answer["attributes"]),
            (422, &json!([field])),
            "{answer}"
        );
    }
    let (status, _) = api(
        &app,
        &admin,
        Method::POST,
        &at("/webhooks"),
        Some(good.clone()),
    )
    .await;
    assert_eq!(status, 200);
    let (status, taken) = api(&app, &admin, Method::POST, &at("/webhooks"), Some(good)).await;
    assert_eq!(status, 422, "{taken}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "refused webhooks are not stored");
}

/// Where private addresses are not allowed (the default), a webhook cannot point inside.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_address_is_refused_unless_allowed() {
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.outbound.allow_private = false;
    })
    .await
    .unwrap();
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.7/hook",
        "http://[::1]/hook",
    ] {
        let (status, body) = api(
            &app,
            &admin,
            Method::POST,
            &format!("/api/v1/accounts/{account}/webhooks"),
            Some(json!({"url": url, "subscriptions": ["message_created"]})),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("address_not_allowed")),
            "{url}: {body}"
        );
    }
}

/// The delivery log keeps a week of finished deliveries; pending ones are never removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_deliveries_older_than_a_week_are_removed() {
    use app::chatwoot::ssr::webhooks::send::{prune, LOG_KEPT_MS};
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let (status, created) = api(
        &app,
        &admin,
        Method::POST,
        &format!("/api/v1/accounts/{account}/webhooks"),
        Some(json!({"url": "https://hooks.example.com/a", "subscriptions": ["message_created"]})),
    )
    .await;
    assert_eq!(status, 200);
    let id = created["payload"]["webhook"]["id"].as_i64().unwrap();
    let now = app::db::now_ms();
    let old = now - LOG_KEPT_MS - 1;
    // A delivery far in the future is never due: the sender leaves it pending.
    for (state, at) in [
        ("delivered", old),
        ("failed", old),
        ("pending", old),
        ("delivered", now),
    ] {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, 'message_created', '{}', $2, 1, $3, $4)",
        )
        .bind(id)
        .bind(state)
        .bind(now + 3_600_000)
        .bind(at)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let removed = prune(&app.state.db, now - LOG_KEPT_MS).await.unwrap();
    assert_eq!(removed, 2);
    let left: Vec<String> = sqlx::query_scalar("SELECT state FROM webhook_deliveries ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, vec!["pending", "delivered"]);
}
