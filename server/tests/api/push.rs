//! Web Push (issue 29) against a local push service speaking RFC 8030: a mention
//! reaches every browser the agent subscribed as an RFC 8291 message that the test
//! decrypts with the browser's own keys, signed with a VAPID token (RFC 8292) that
//! verifies with the key Mi perfil hands the browser; a subscription the push service
//! calls gone is forgotten; preferences, sign-out and what she may see decide.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::notifications::model::NotificationPrefs;

on_both_backends!(
    a_mention_is_pushed_encrypted_and_signed,
    pushes_follow_preferences_sessions_and_visibility,
);

/// One request the push service received.
#[derive(Clone)]
pub struct Received {
    pub id: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

pub type Log = Arc<Mutex<Vec<Received>>>;

/// A push service on loopback: 201 for every message, 410 for endpoints under `/gone-`.
pub async fn push_service() -> (String, Log) {
    async fn receive(
        State(log): State<Log>,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> StatusCode {
        log.lock().unwrap().push(Received {
            id: id.clone(),
            headers,
            body: body.to_vec(),
        });
        match id.starts_with("gone-") {
            true => StatusCode::GONE,
            false => StatusCode::CREATED,
        }
    }
    let log: Log = Arc::default();
    let router = axum::Router::new()
        .route("/push/{id}", axum::routing::post(receive))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, log)
}

/// A browser's push keys, as `pushManager.subscribe` makes them.
pub struct Browser {
    pub secret: p256::SecretKey,
    pub auth: [u8; 16],
    pub endpoint: String,
}

impl Browser {
    pub fn new(base: &str, id: &str) -> Browser {
        Browser {
            secret: p256::SecretKey::from_slice(&rand::random::<[u8; 32]>()).expect("a scalar"),
            auth: rand::random(),
            endpoint: format!("{base}/push/{id}"),
        }
    }

    pub fn subscription(&self) -> Value {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        json!({ "subscription": {
            "endpoint": self.endpoint,
            "p256dh": URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes()),
            "auth": URL_SAFE_NO_PAD.encode(self.auth),
        }})
    }

    /// The message as the browser reads it.
    pub fn open(&self, body: &[u8]) -> Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &auth)
            .expect("an RFC 8291 message for this browser");
        serde_json::from_slice(&plain).expect("a JSON payload")
    }
}

/// Waits (bounded) until the service has `n` requests.
pub async fn received(log: &Log, n: usize) -> Vec<Received> {
    for _ in 0..200 {
        if log.lock().unwrap().len() >= n {
            return log.lock().unwrap().clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the push service got {} of {n} messages",
        log.lock().unwrap().len()
    );
}

/// Waits (bounded) until no notification waits to be pushed.
pub async fn pushed_all(app: &TestApp) {
    for _ in 0..200 {
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE push_pending = 1")
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("notifications still waiting to be pushed");
}

/// A conversation both Lucía and Marcos may see.
pub async fn shared_conversation(app: &TestApp) -> (i64, i64) {
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let row: (i64, i64) = sqlx::query_as(
        "SELECT c.id, c.display_id FROM conversations c \
         JOIN inbox_members a ON a.inbox_id = c.inbox_id AND a.agent_id = $1 \
         JOIN inbox_members b ON b.inbox_id = c.inbox_id AND b.agent_id = $2 ORDER BY c.id LIMIT 1",
    )
    .bind(lucia)
    .bind(marcos)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    row
}

pub async fn prefs(app: &TestApp, cookie: &str) -> NotificationPrefs {
    let res = app.call(Some(cookie), "notifications/prefs", &[]).await;
    assert!(res.status().is_success());
    res.json().await.unwrap()
}

pub async fn mention(app: &TestApp, cookie: &str, conversation: i64, who: i64, body: &str) {
    let _: Value = app
        .ok(
            cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": body, "private": true,
                   "idempotency_key": null, "mentions": [who]}),
        )
        .await;
}

async fn a_mention_is_pushed_encrypted_and_signed(app: TestApp) {
    let (base, log) = push_service().await;
    let marcos = app.sign_in(MARCOS).await;
    let key = prefs(&app, &marcos.cookie).await.push_key;
    assert_eq!(URL_SAFE_NO_PAD.decode(&key).unwrap().len(), 65);
    let (phone, gone) = (
        Browser::new(&base, "phone"),
        Browser::new(&base, "gone-laptop"),
    );
    for browser in [&phone, &gone] {
        let _: () = app
            .ok(
                &marcos.cookie,
                "notifications/push/subscribe",
                browser.subscription(),
            )
            .await;
    }
    assert_eq!(prefs(&app, &marcos.cookie).await.endpoints.len(), 2);

    let (conversation, number) = shared_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let marcos_id = app.agent_id(MARCOS).await;
    mention(
        &app,
        &lucia.cookie,
        conversation,
        marcos_id,
        "@Marcos mira la factura 1234",
    )
    .await;

    let got = received(&log, 2).await;
    let to_phone = got
        .iter()
        .find(|r| r.id == "phone")
        .expect("the phone's push");
    let shown = phone.open(&to_phone.body);
    assert!(
        shown["title"]
            .as_str()
            .unwrap()
            .ends_with(&format!("te mencionó en #{number}")),
        "{shown}"
    );
    assert_eq!(shown["body"], "@Marcos mira la factura 1234");
    assert_eq!(
        shown["url"],
        format!("/conversations/{conversation}?tab=all")
    );
    let header = |name: &str| {
        to_phone
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(header("content-encoding"), "aes128gcm");
    assert!(header("ttl").parse::<u64>().unwrap() > 0);
    assert_eq!(header("urgency"), "high");

    // VAPID: a token for this push service, signed by the key the browser was given.
    let authorization = header("authorization");
    let (token, k) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=…, k=…");
    assert_eq!(k, key);
    let (input, signature) = token.rsplit_once('.').unwrap();
    let verifier =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
    let signature =
        p256::ecdsa::Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    use p256::ecdsa::signature::Verifier;
    verifier
        .verify(input.as_bytes(), &signature)
        .expect("an ES256 signature");
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(input.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], base);
    let exp = claims["exp"].as_i64().unwrap();
    let now = app::db::now_ms() / 1000;
    assert!(exp > now && exp <= now + 24 * 3600, "exp {exp}");

    // The push service said the laptop's subscription is gone: it is forgotten.
    pushed_all(&app).await;
    for _ in 0..100 {
        if prefs(&app, &marcos.cookie).await.endpoints == vec![phone.endpoint.clone()] {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the gone subscription was kept");
}

async fn pushes_follow_preferences_sessions_and_visibility(app: TestApp) {
    let (base, log) = push_service().await;
    let marcos = app.sign_in(MARCOS).await;
    let phone = Browser::new(&base, "phone");
    let _: () = app
        .ok(
            &marcos.cookie,
            "notifications/push/subscribe",
            phone.subscription(),
        )
        .await;
    let (conversation, number) = shared_conversation(&app).await;
    let marcos_id = app.agent_id(MARCOS).await;
    let lucia = app.sign_in(LUCIA).await;

    // Bad input changes nothing.
    let bad = app
        .call_json(
            Some(&marcos.cookie),
            "notifications/prefs/save",
            json!({"kinds": [{"kind": "customer_reply", "ways": {"push": true, "email": true, "sound": false}}]}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let mut wrong_key = phone.subscription();
    wrong_key["subscription"]["p256dh"] = json!("B".repeat(87));
    let bad = app
        .call_json(
            Some(&marcos.cookie),
            "notifications/push/subscribe",
            wrong_key,
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("p256dh"));

    // No push for mentions: only the assignment arrives.
    let _: () = app
        .ok(
            &marcos.cookie,
            "notifications/prefs/save",
            json!({"kinds": [{"kind": "mention", "ways": {"push": false, "email": false, "sound": true}}]}),
        )
        .await;
    mention(
        &app,
        &lucia.cookie,
        conversation,
        marcos_id,
        "nota sin push",
    )
    .await;
    let _: Value = app
        .ok(
            &lucia.cookie,
            "conversations/assign",
            json!({"id": conversation, "assignee_id": marcos_id}),
        )
        .await;
    let got = received(&log, 1).await;
    pushed_all(&app).await;
    assert_eq!(log.lock().unwrap().len(), 1);
    let shown = phone.open(&got[0].body);
    assert_eq!(
        shown["title"],
        format!("Te asignaron la conversación #{number}")
    );
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM notifications WHERE agent_id = $1 ORDER BY id")
            .bind(marcos_id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(kinds, ["mention", "assigned"], "the bell has both");

    // Out of the inbox: a notification written for him is not pushed.
    let inbox: i64 = sqlx::query_scalar("SELECT inbox_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM inbox_members WHERE agent_id = $1 AND inbox_id = $2")
        .bind(marcos_id)
        .bind(inbox)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let mut tx = app.state.db.begin_write().await.unwrap();
    let notice = app::notifications::ssr::Notice {
        kind: app::notifications::model::NotificationKind::Assigned,
        conversation_id: conversation,
        message_id: None,
        actor_agent_id: None,
        preview: None,
    };
    app::notifications::ssr::notify_in_tx(&mut tx, &notice, &[marcos_id])
        .await
        .unwrap();
    app.state.hub.commit(tx).await.unwrap();
    pushed_all(&app).await;
    assert_eq!(
        log.lock().unwrap().len(),
        1,
        "nothing for a conversation he may not see"
    );
    sqlx::query("INSERT INTO inbox_members (inbox_id, agent_id, created_at) VALUES ($1, $2, 0)")
        .bind(inbox)
        .bind(marcos_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    // Signed out: that browser's subscription ends with the session.
    let out = app.call(Some(&marcos.cookie), "logout", &[]).await;
    assert!(out.status().is_success());
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions WHERE agent_id = $1")
            .bind(marcos_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
}
