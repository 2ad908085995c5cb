//! The public widget's limits: new visitors and messages per address and per inbox,
//! unsent uploads per visitor, sockets per visitor and per address; voice uploads
//! checked as they stream; downloads streamed with byte ranges. Each server here runs
//! behind a "proxy" (`CHARLA_TRUST_PROXY`), so a test plays many addresses with
//! `X-Forwarded-For`.
use futures::StreamExt;
use serde_json::json;
use std::time::Duration;

use crate::helpers::*;
use app::widget::ssr::limits::WidgetLimits;
use app::widget::WidgetSent;

macro_rules! with_small_limits {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use crate::helpers::{spawn_app_with, Backend};

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(spawn_app_with(Backend::Sqlite, super::small).await.unwrap()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app_with(Backend::Postgres, super::small).await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

with_small_limits!(
    new_visitors_are_limited_per_address_and_per_inbox,
    messages_and_uploads_are_limited_per_address,
    unsent_uploads_have_a_ceiling_per_visitor,
    upload_volume_is_limited_per_address,
    visitor_sockets_are_limited,
    a_voice_upload_that_is_not_audio_is_refused_at_once,
    downloads_stream_byte_ranges,
    a_new_conversation_reaches_the_open_socket,
);

fn small(config: &mut server::Config) {
    config.trust_proxy = true;
    config.widget = WidgetLimits {
        new_visitors_per_address: 3,
        new_visitors_per_inbox: 5,
        messages_per_address: 6,
        messages_per_inbox: 1000,
        pending_files: 2,
        pending_bytes: 1024 * 1024,
        upload_mb_per_address: 3,
        sockets_per_identity: 2,
        sockets_per_address: 3,
    };
}

/// A PDF of `size` bytes (a real header; padding after it).
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(size, b' ');
    bytes
}

async fn say(
    app: &TestApp,
    from: &str,
    token: &str,
    visitor: Option<&str>,
    attachments: &[i64],
) -> reqwest::Response {
    client()
        .post(app.url("/api/widget/send"))
        .header("x-forwarded-for", from)
        .json(
            &json!({"token": token, "visitor": visitor, "body": "Hola", "name": null,
            "email": null, "attachments": attachments}),
        )
        .send()
        .await
        .unwrap()
}

async fn new_visitor(app: &TestApp, from: &str, token: &str) -> WidgetSent {
    let res = say(app, from, token, None, &[]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn upload(
    app: &TestApp,
    from: &str,
    token: &str,
    visitor: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    client()
        .post(app.url(&format!(
            "/api/widget/uploads?token={token}&name=factura.pdf"
        )))
        .header("x-forwarded-for", from)
        .header(app::wire::VISITOR_HEADER, visitor)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// A 429 with `Retry-After` and the error the widget translates.
async fn assert_throttled(res: reqwest::Response) {
    assert_eq!(res.status(), 429);
    let retry: i64 = res
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "retry after {retry}");
    let text = res.text().await.unwrap();
    assert!(text.contains("RateLimited"), "{text}");
}

async fn new_visitors_are_limited_per_address_and_per_inbox(app: TestApp) {
    let token = app.web_chat_token().await;
    for _ in 0..3 {
        new_visitor(&app, "203.0.113.1", &token).await;
    }
    let contacts = count(&app, "contacts").await;
    let conversations = count(&app, "conversations").await;
    // The fourth from the same address: refused, and nothing is created.
    assert_throttled(say(&app, "203.0.113.1", &token, None, &[]).await).await;
    assert_eq!(count(&app, "contacts").await, contacts);
    assert_eq!(count(&app, "conversations").await, conversations);
    // Another address gets the inbox's last two; then the inbox is full for everyone.
    new_visitor(&app, "203.0.113.2", &token).await;
    let last = new_visitor(&app, "203.0.113.2", &token).await;
    assert_throttled(say(&app, "203.0.113.3", &token, None, &[]).await).await;
    // A visitor who already exists still writes.
    let res = say(&app, "203.0.113.3", &token, Some(&last.visitor), &[]).await;
    assert_eq!(res.status(), 200);
}

async fn messages_and_uploads_are_limited_per_address(app: TestApp) {
    let token = app.web_chat_token().await;
    let visitor = new_visitor(&app, "198.51.100.7", &token).await.visitor;
    // The first message counted; four more, and an upload, spend the six.
    for _ in 0..4 {
        let res = say(&app, "198.51.100.7", &token, Some(&visitor), &[]).await;
        assert_eq!(res.status(), 200);
    }
    let res = upload(&app, "198.51.100.7", &token, &visitor, pdf(2000)).await;
    assert_eq!(res.status(), 201);
    let messages = count(&app, "messages").await;
    let attachments = count(&app, "attachments").await;
    assert_throttled(say(&app, "198.51.100.7", &token, Some(&visitor), &[]).await).await;
    assert_throttled(upload(&app, "198.51.100.7", &token, &visitor, pdf(2000)).await).await;
    assert_eq!(count(&app, "messages").await, messages);
    assert_eq!(count(&app, "attachments").await, attachments);
    // The same visitor from another address (her phone on another network) may write.
    let res = say(&app, "198.51.100.8", &token, Some(&visitor), &[]).await;
    assert_eq!(res.status(), 200);
}

async fn unsent_uploads_have_a_ceiling_per_visitor(app: TestApp) {
    let token = app.web_chat_token().await;
    let visitor = new_visitor(&app, "192.0.2.10", &token).await.visitor;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let res = upload(&app, "192.0.2.10", &token, &visitor, pdf(1000)).await;
        assert_eq!(res.status(), 201);
        ids.push(
            res.json::<serde_json::Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let files_before = std::fs::read_dir(app.files.path())
        .map(|d| d.count())
        .unwrap_or(0);
    // A third file waits for none: refused, nothing stored.
    let res = upload(&app, "192.0.2.10", &token, &visitor, pdf(1000)).await;
    assert_eq!(res.status(), 422);
    let refusal: serde_json::Value = res.json().await.unwrap();
    assert_eq!(refusal["reason"], "pending_full", "{refusal}");
    assert_eq!(refusal["max_files"], 2);
    assert_eq!(count(&app, "attachments").await, 2);
    assert_eq!(
        std::fs::read_dir(app.files.path())
            .map(|d| d.count())
            .unwrap_or(0),
        files_before
    );
    // Sent, they stop waiting: room again.
    let res = say(&app, "192.0.2.10", &token, Some(&visitor), &ids).await;
    assert_eq!(res.status(), 200);
    // Bytes count too: 700 KB waits, a second 700 KB would pass the 1 MB.
    let res = upload(&app, "192.0.2.11", &token, &visitor, pdf(700 * 1024)).await;
    assert_eq!(res.status(), 201);
    let res = upload(&app, "192.0.2.11", &token, &visitor, pdf(700 * 1024)).await;
    assert_eq!(res.status(), 422);
    let refusal: serde_json::Value = res.json().await.unwrap();
    assert_eq!(refusal["reason"], "pending_full", "{refusal}");
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE message_id IS NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(pending, 1);
}

async fn upload_volume_is_limited_per_address(app: TestApp) {
    let token = app.web_chat_token().await;
    let visitor = new_visitor(&app, "192.0.2.60", &token).await.visitor;
    // Three megabytes an hour from 192.0.2.61: three files of 900 KB (a megabyte each,
    // rounded up), each sent before the next so none waits.
    for _ in 0..3 {
        let res = upload(&app, "192.0.2.61", &token, &visitor, pdf(900 * 1024)).await;
        assert_eq!(res.status(), 201);
        let id = res.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let res = say(&app, "192.0.2.60", &token, Some(&visitor), &[id]).await;
        assert_eq!(res.status(), 200);
    }
    let attachments = count(&app, "attachments").await;
    assert_throttled(upload(&app, "192.0.2.61", &token, &visitor, pdf(900 * 1024)).await).await;
    assert_eq!(
        count(&app, "attachments").await,
        attachments,
        "the refused file is gone"
    );
}

fn refused_with(result: Result<Socket, tokio_tungstenite::tungstenite::Error>) -> u16 {
    match result {
        Ok(_) => panic!("the socket opened"),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

async fn visitor_sockets_are_limited(app: TestApp) {
    let token = app.web_chat_token().await;
    let first = new_visitor(&app, "192.0.2.20", &token).await.visitor;
    let second = new_visitor(&app, "192.0.2.21", &token).await.visitor;
    // The sockets come from 127.0.0.1 (no forwarded header): one address for all.
    let mut a = app.visitor_socket(&token, &first).await.unwrap();
    let _b = app.visitor_socket(&token, &first).await.unwrap();
    assert_eq!(refused_with(app.visitor_socket(&token, &first).await), 429);
    let _c = app.visitor_socket(&token, &second).await.unwrap();
    assert_eq!(
        refused_with(app.visitor_socket(&token, &second).await),
        429,
        "the address has its three"
    );
    assert_eq!(app.state.widget_guard.open_sockets(), 3);
    // A closed socket gives its place back.
    a.close(None).await.unwrap();
    drop(a);
    let mut reopened = None;
    for _ in 0..100 {
        if let Ok(socket) = app.visitor_socket(&token, &first).await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "the closed socket's place came back");
}

async fn a_voice_upload_that_is_not_audio_is_refused_at_once(app: TestApp) {
    let token = app.web_chat_token().await;
    let visitor = new_visitor(&app, "192.0.2.30", &token).await.visitor;
    // A document's start, then a body that never ends: the refusal must not wait for
    // the rest (before, the server read up to 16 MB of it first).
    let head = bytes::Bytes::from(pdf(80 * 1024));
    let body =
        futures::stream::iter([Ok::<_, std::io::Error>(head)]).chain(futures::stream::pending());
    let res = tokio::time::timeout(
        Duration::from_secs(10),
        client()
            .post(app.url(&format!(
                "/api/widget/uploads?token={token}&name=nota.webm&voice=true"
            )))
            .header("x-forwarded-for", "192.0.2.30")
            .header(app::wire::VISITOR_HEADER, &visitor)
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    )
    .await
    .expect("answered before the body ended")
    .unwrap();
    assert_eq!(res.status(), 422);
    let refusal: serde_json::Value = res.json().await.unwrap();
    assert_eq!(refusal["reason"], "bad_recording", "{refusal}");
    assert_eq!(count(&app, "attachments").await, 0);
}

async fn downloads_stream_byte_ranges(app: TestApp) {
    let token = app.web_chat_token().await;
    let visitor = new_visitor(&app, "192.0.2.40", &token).await.visitor;
    let content: Vec<u8> = pdf(100 * 1024)
        .into_iter()
        .enumerate()
        .map(|(n, b)| if n < 64 { b } else { (n % 251) as u8 })
        .collect();
    let res = upload(&app, "192.0.2.40", &token, &visitor, content.clone()).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let sent: WidgetSent = say(&app, "192.0.2.40", &token, Some(&visitor), &[id])
        .await
        .json()
        .await
        .unwrap();
    let attachment = sent.message.attachments[0].id;
    let address = app.url(&format!(
        "/api/widget/attachments/{attachment}?token={token}&visitor={visitor}"
    ));
    let whole = client().get(&address).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(
        whole.headers()["content-length"],
        content.len().to_string().as_str()
    );
    assert_eq!(whole.bytes().await.unwrap().as_ref(), content.as_slice());

    let part = client()
        .get(&address)
        .header("range", "bytes=1000-1099")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 1000-1099/{}", content.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &content[1000..1100]);

    let tail = client()
        .get(&address)
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.bytes().await.unwrap().as_ref(),
        &content[content.len() - 10..]
    );

    let beyond = client()
        .get(&address)
        .header("range", "bytes=900000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{}", content.len()).as_str()
    );

    // Agents' downloads answer ranges too.
    let lucia = app.sign_in(LUCIA).await;
    let part = client()
        .get(app.url(&format!("/api/attachments/{attachment}")))
        .header("cookie", &lucia.cookie)
        .header("range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &content[..8]);
}

/// The socket reads its conversations once; one opened later for her (after the last
/// was resolved) still reaches it, and other visitors' traffic never does.
async fn a_new_conversation_reaches_the_open_socket(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent = new_visitor(&app, "192.0.2.50", &token).await;
    let mut socket = app.visitor_socket(&token, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut socket).await["frame"], "hello");
    assert_eq!(next_json(&mut socket).await["body"], "Hola");
    let conversation = app.conversation_of_message(sent.message.id).await;
    let lucia = app.sign_in(LUCIA).await;
    let _: app::conversations::model::ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/status",
            json!({"id": conversation, "status": "resolved", "snoozed_until": null}),
        )
        .await;
    // Someone else writes: nothing for her.
    new_visitor(&app, "192.0.2.51", &token).await;
    assert_silent(&mut socket).await;
    let res = client()
        .post(app.url("/api/widget/send"))
        .header("x-forwarded-for", "192.0.2.50")
        .json(&json!({"token": token, "visitor": sent.visitor, "body": "Otra pregunta"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let again: WidgetSent = res.json().await.unwrap();
    assert_ne!(
        app.conversation_of_message(again.message.id).await,
        conversation
    );
    let frame = next_json(&mut socket).await;
    assert_eq!(frame["body"], "Otra pregunta", "{frame}");
}
