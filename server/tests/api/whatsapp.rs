//! The WhatsApp Cloud API channel against a local fake of the Graph API: webhook
//! handshake and signatures, every inbound type, statuses, outbound payloads as Meta
//! receives them, retries and permanent failures, template sync and the 24-hour window.
use serde_json::{json, Value};
use std::time::Duration;

use crate::fake_graph::{self, FakeGraph, APP_SECRET, PHONE_ID, TOKEN, VERIFY_TOKEN, WABA_ID};
use crate::helpers::{client, TestApp, ADMIN, LUCIA, MARCOS};
use crate::on_both_backends;
use app::channels::whatsapp::webhook::sign;
use app::conversations::model::{ConversationDetail, MessageExtra, MessagePage, MessageView};
use app::domain::template::{HeaderMedia, Unsupported};
use app::domain::DeliveryStatus;

pub(crate) const CUSTOMER: &str = "34699000111";

async fn whatsapp_inbox(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'whatsapp' ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Points the seeded WhatsApp inbox at the fake, as an administrator would.
pub(crate) async fn configure(app: &TestApp, fake: &FakeGraph) -> i64 {
    let inbox = whatsapp_inbox(app).await;
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_whatsapp",
            json!({"id": inbox, "settings": {
                "phone_number_id": PHONE_ID, "business_account_id": WABA_ID,
                "api_base_url": fake.base_url(), "api_version": "v21.0",
                "access_token": TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN}}),
        )
        .await;
    inbox
}

pub(crate) fn now_secs() -> i64 {
    app::db::now_ms() / 1000
}

/// A delivery as Meta posts it, with the customer's profile.
pub(crate) fn delivery(messages: Vec<Value>, statuses: Vec<Value>) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "34900000000", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": CUSTOMER}],
            "messages": messages, "statuses": statuses}}]}]})
}

pub(crate) fn text(id: &str, body: &str, at_secs: i64) -> Value {
    json!({"from": CUSTOMER, "id": id, "timestamp": at_secs.to_string(), "type": "text", "text": {"body": body}})
}

fn status(wamid: &str, state: &str) -> Value {
    json!({"id": wamid, "status": state, "timestamp": now_secs().to_string(), "recipient_id": CUSTOMER})
}

pub(crate) async fn post(
    app: &TestApp,
    inbox: i64,
    body: &Value,
    signature: Option<String>,
) -> u16 {
    let raw = serde_json::to_vec(body).unwrap();
    let mut request = client()
        .post(app.url(&format!("/webhooks/whatsapp/{inbox}")))
        .header("content-type", "application/json")
        .body(raw);
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    request.send().await.unwrap().status().as_u16()
}

pub(crate) async fn post_signed(app: &TestApp, inbox: i64, body: &Value) -> u16 {
    let raw = serde_json::to_vec(body).unwrap();
    post(app, inbox, body, Some(sign(APP_SECRET, &raw))).await
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

pub(crate) async fn message_by_external(
    app: &TestApp,
    external: &str,
) -> (i64, i64, String, String) {
    sqlx::query_as(
        "SELECT id, conversation_id, body, content_type FROM messages WHERE external_id = $1",
    )
    .bind(external)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

/// Waits (up to 20 s, a guard rather than a timing check) until every customer file
/// left by the webhooks has been fetched or given up.
pub(crate) async fn files_fetched(app: &TestApp) {
    for _ in 0..200 {
        if count(app, "SELECT COUNT(*) FROM whatsapp_media").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("WhatsApp files still waiting to be fetched");
}

/// Waits (up to 20 s, a guard rather than a timing check) for a delivery state.
pub(crate) async fn wait_status(
    app: &TestApp,
    message_id: i64,
    wanted: DeliveryStatus,
) -> (Option<String>, Option<String>) {
    for _ in 0..200 {
        let (status, error, external): (Option<String>, Option<String>, Option<String>) =
            sqlx::query_as(
                "SELECT delivery_status, delivery_error, external_id FROM messages WHERE id = $1",
            )
            .bind(message_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        if status.as_deref() == Some(wanted.as_str()) {
            return (error, external);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("message {message_id} never became {wanted}");
}

pub(crate) async fn reply(
    app: &TestApp,
    cookie: &str,
    conversation: i64,
    body: &str,
) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "conversations/send",
        json!({"conversation_id": conversation, "body": body, "private": false, "idempotency_key": null, "mentions": []}),
    )
    .await
}

async fn handshake_and_signatures(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let verify = |token: &str| {
        client()
            .get(app.url(&format!(
                "/webhooks/whatsapp/{inbox}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"
            )))
            .send()
    };
    let ok = verify(VERIFY_TOKEN).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    assert_eq!(verify("wrong").await.unwrap().status(), 403);
    let unknown = client()
        .get(app.url(&format!(
            "/webhooks/whatsapp/999999?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        403,
        "an unknown inbox answers as a wrong token"
    );

    let body = delivery(
        vec![text("wamid.in1", "Hola, ¿tenéis talla M?", now_secs())],
        vec![],
    );
    let raw = serde_json::to_vec(&body).unwrap();
    let before = count(&app, "SELECT COUNT(*) FROM messages").await;
    assert_eq!(post(&app, inbox, &body, None).await, 401, "unsigned");
    assert_eq!(
        post(&app, inbox, &body, Some(sign("another-secret", &raw))).await,
        401,
        "signed with another secret"
    );
    assert_eq!(
        post(&app, inbox, &body, Some("sha256=00".into())).await,
        401,
        "malformed signature"
    );
    assert_eq!(
        post(&app, 999_999, &body, Some(sign(APP_SECRET, &raw))).await,
        401,
        "no such inbox"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM messages").await,
        before,
        "refused deliveries change nothing"
    );

    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    assert_eq!(
        post_signed(&app, inbox, &body).await,
        200,
        "a redelivery is accepted"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM messages").await,
        before + 1,
        "and stored once"
    );
    let (_, conversation, text_body, _) = message_by_external(&app, "wamid.in1").await;
    assert_eq!(text_body, "Hola, ¿tenéis talla M?");
    let (name, phone): (String, Option<String>) = sqlx::query_as(
        "SELECT ct.name, ct.phone_e164 FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (name.as_str(), phone.as_deref()),
        ("Ana Ruiz", Some("+34699000111"))
    );
    // The customer's next message joins the same open conversation (S12).
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(vec![text("wamid.in2", "¿Y en azul?", now_secs())], vec![])
        )
        .await,
        200
    );
    assert_eq!(message_by_external(&app, "wamid.in2").await.1, conversation);
}

pub(crate) const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const OGG: &[u8] = b"OggS\0\x02\0\0\0\0\0\0\0\0";
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";

async fn every_inbound_type(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    fake.add_media("img1", PNG, "image/png");
    fake.add_media("voice1", OGG, "audio/ogg; codecs=opus");
    fake.add_media("doc1", PDF, "application/pdf");
    fake.add_media("sticker1", b"RIFF\0\0\0\0WEBPVP8 ", "image/webp");
    fake.add_media("video1", b"\0\0\0\x18ftypmp42", "video/mp4");
    let at = now_secs().to_string();
    let m = |id: &str, kind: &str, part: Value| {
        let mut m = json!({"from": CUSTOMER, "id": id, "timestamp": at, "type": kind});
        m[kind] = part;
        m
    };
    let messages = vec![
        m("w.text", "text", json!({"body": "Hola"})),
        m(
            "w.image",
            "image",
            json!({"id": "img1", "mime_type": "image/png", "caption": "Mi pedido"}),
        ),
        m(
            "w.voice",
            "audio",
            json!({"id": "voice1", "mime_type": "audio/ogg; codecs=opus", "voice": true}),
        ),
        m(
            "w.doc",
            "document",
            json!({"id": "doc1", "mime_type": "application/pdf", "filename": "factura.pdf"}),
        ),
        m(
            "w.sticker",
            "sticker",
            json!({"id": "sticker1", "mime_type": "image/webp", "animated": false}),
        ),
        m(
            "w.video",
            "video",
            json!({"id": "video1", "mime_type": "video/mp4"}),
        ),
        m(
            "w.location",
            "location",
            json!({"latitude": 40.4168, "longitude": -3.7038, "name": "Tienda Sol", "address": "Puerta del Sol 1"}),
        ),
        m(
            "w.contacts",
            "contacts",
            json!([{"name": {"formatted_name": "Luis Gil", "first_name": "Luis"}, "phones": [{"phone": "+34 600 111 222", "type": "CELL"}]}]),
        ),
        m(
            "w.reaction",
            "reaction",
            json!({"message_id": "w.text", "emoji": "❤️"}),
        ),
        m(
            "w.button",
            "button",
            json!({"text": "Confirmar cita", "payload": "CONFIRM"}),
        ),
        m(
            "w.interactive",
            "interactive",
            json!({"type": "button_reply", "button_reply": {"id": "b1", "title": "Sí, gracias"}}),
        ),
        m(
            "w.order",
            "order",
            json!({"catalog_id": "1", "text": "Para el sábado", "product_items": [
                {"product_retailer_id": "camiseta-m", "quantity": 2, "item_price": 12.5, "currency": "EUR"}]}),
        ),
        m("w.unknown", "ephemeral", json!({})),
        m(
            "w.lost",
            "image",
            json!({"id": "not-at-meta", "mime_type": "image/jpeg"}),
        ),
    ];
    assert_eq!(
        post_signed(&app, inbox, &delivery(messages, vec![])).await,
        200
    );
    files_fetched(&app).await;

    let expect = [
        ("w.text", "text", "Hola"),
        ("w.image", "image", "Mi pedido"),
        ("w.voice", "audio", ""),
        ("w.doc", "document", ""),
        ("w.sticker", "sticker", ""),
        ("w.video", "video", ""),
        ("w.location", "location", "Tienda Sol\nPuerta del Sol 1"),
        ("w.contacts", "contacts", "Luis Gil: +34 600 111 222"),
        ("w.button", "button", "Confirmar cita"),
        ("w.interactive", "interactive", "Sí, gracias"),
        (
            "w.order",
            "order",
            "Para el sábado\n2 × camiseta-m (12.5 EUR)",
        ),
        ("w.unknown", "unsupported", ""),
        ("w.lost", "image", ""),
    ];
    for (external, content_type, body) in expect {
        let (_, _, stored_body, stored_type) = message_by_external(&app, external).await;
        assert_eq!(
            (stored_type.as_str(), stored_body.as_str()),
            (content_type, body),
            "{external}"
        );
    }
    // What the agent's view carries.
    let lucia = app.sign_in(LUCIA).await;
    let (_, conversation, _, _) = message_by_external(&app, "w.text").await;
    let page: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": conversation, "before": null}),
        )
        .await;
    let items = page.items;
    let find = |body_or_kind: &str| {
        items
            .iter()
            .find(|m| {
                m.body == body_or_kind
                    || m.attachments.iter().any(|a| a.content_type == body_or_kind)
            })
            .unwrap_or_else(|| panic!("{body_or_kind} missing"))
            .clone()
    };
    assert!(matches!(
        find("Tienda Sol\nPuerta del Sol 1").extra,
        Some(MessageExtra::Location { .. })
    ));
    // A reaction is not a message: it sits on the one it answers.
    assert_eq!(find("Hola").reaction.as_deref(), Some("❤️"));
    assert!(!items.iter().any(|m| m.body == "❤️"));
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM messages WHERE external_id = 'w.reaction'"
        )
        .await
            == 0
    );
    assert!(items.iter().any(|m| m.extra
        == Some(MessageExtra::Unsupported {
            message_type: "ephemeral".into()
        })));
    assert!(
        items.iter().any(|m| matches!(&m.extra, Some(MessageExtra::Unsupported { message_type }) if message_type.starts_with("image ("))),
        "a file Meta no longer has is kept as a message, marked"
    );
    let image = find("Mi pedido");
    assert_eq!(image.attachments.len(), 1);
    let voice = find("audio/ogg");
    assert_eq!(voice.attachments[0].file_name, "voice.ogg");
    let document = find("application/pdf");
    assert_eq!(document.attachments[0].file_name, "factura.pdf");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 5);

    // Files: to agents who see the conversation, with safe headers; to no one else.
    let image_url = app.url(&image.attachments[0].url());
    let res = client()
        .get(&image_url)
        .header("cookie", &lucia.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let pdf = client()
        .get(app.url(&document.attachments[0].url()))
        .header("cookie", &lucia.cookie)
        .send()
        .await
        .unwrap();
    assert!(pdf.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(pdf.headers()["content-type"], "application/octet-stream");
    let marcos = app.sign_in(MARCOS).await;
    let outsider = client()
        .get(&image_url)
        .header("cookie", &marcos.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(outsider.status(), 404, "not a member of the WhatsApp inbox");
    assert_eq!(client().get(&image_url).send().await.unwrap().status(), 401);
}

/// A conversation with a customer message just now (the window is open).
pub(crate) async fn open_conversation(app: &TestApp, inbox: i64, id: &str) -> i64 {
    assert_eq!(
        post_signed(
            app,
            inbox,
            &delivery(vec![text(id, "Hola", now_secs())], vec![])
        )
        .await,
        200
    );
    message_by_external(app, id).await.1
}

async fn statuses_reach_the_message(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.s1").await;
    let lucia = app.sign_in(LUCIA).await;
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    crate::helpers::next_frame(&mut socket).await; // hello

    let res = reply(&app, &lucia.cookie, conversation, "Sí, nos queda en M").await;
    assert_eq!(res.status(), 200);
    let sent: MessageView = res.json().await.unwrap();
    let (_, wamid) = wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let wamid = wamid.expect("Meta's id recorded");
    assert_eq!(
        fake.sent().last().unwrap(),
        &json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER,
            "type": "text", "text": {"preview_url": false, "body": "Sí, nos queda en M"}})
    );

    for state in ["delivered", "read", "delivered"] {
        assert_eq!(
            post_signed(&app, inbox, &delivery(vec![], vec![status(&wamid, state)])).await,
            200
        );
    }
    wait_status(&app, sent.id, DeliveryStatus::Read).await;
    // The agent saw it move, live: sent, delivered, read (never back to delivered).
    let mut seen = Vec::new();
    while seen.last() != Some(&DeliveryStatus::Read) {
        if let app::events::ServerFrame::Event(envelope) =
            crate::helpers::next_frame(&mut socket).await
        {
            if let app::events::LiveEvent::MessageUpdated { message } = envelope.event {
                if message.id == sent.id {
                    seen.push(message.delivery_status.unwrap());
                }
            }
        }
    }
    assert_eq!(
        seen,
        vec![
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Read
        ]
    );

    // A failure reported later, with Meta's code and title.
    let second: MessageView = reply(&app, &lucia.cookie, conversation, "¿Algo más?")
        .await
        .json()
        .await
        .unwrap();
    let (_, wamid2) = wait_status(&app, second.id, DeliveryStatus::Sent).await;
    let failed = json!({"id": wamid2.unwrap(), "status": "failed", "timestamp": now_secs().to_string(), "recipient_id": CUSTOMER,
        "errors": [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "Receiver is incapable of receiving this message"}}]});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![], vec![failed])).await,
        200
    );
    let (error, _) = wait_status(&app, second.id, DeliveryStatus::Failed).await;
    assert_eq!(
        error.as_deref(),
        Some("131026 · Message undeliverable (Receiver is incapable of receiving this message)")
    );

    // Reports of messages sent from elsewhere on the number (Business Suite, the app):
    // a batch of them is answered and changes nothing here.
    let foreign: Vec<Value> = (0..10)
        .map(|n| status(&format!("wamid.elsewhere.{n}"), "delivered"))
        .collect();
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![], foreign)).await,
        200
    );
    let (error, _) = wait_status(&app, second.id, DeliveryStatus::Failed).await;
    assert!(error.is_some(), "still the failure it was");
}

async fn retries_then_gives_up_with_metas_reason(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.r1").await;
    let lucia = app.sign_in(LUCIA).await;

    // A 500 is retried (with backoff) until Meta takes it.
    fake.fail_next(fake_graph::server_error());
    let first: MessageView = reply(&app, &lucia.cookie, conversation, "Primero")
        .await
        .json()
        .await
        .unwrap();
    wait_status(&app, first.id, DeliveryStatus::Sent).await;
    let bodies: Vec<Value> = fake
        .sent()
        .into_iter()
        .filter(|b| b["text"]["body"] == "Primero")
        .collect();
    assert_eq!(bodies.len(), 2, "one failed attempt, one accepted");

    // A permanent error is shown with Meta's reason; "retry" sends it again.
    fake.fail_next(fake_graph::reengagement_error());
    let second: MessageView = reply(&app, &lucia.cookie, conversation, "Segundo")
        .await
        .json()
        .await
        .unwrap();
    let (error, _) = wait_status(&app, second.id, DeliveryStatus::Failed).await;
    assert!(
        error
            .as_deref()
            .unwrap()
            .starts_with("131047 · (#131047) Re-engagement message"),
        "{error:?}"
    );
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/retry",
            json!({"conversation_id": conversation, "message_id": second.id}),
        )
        .await;
    assert!(res.status().is_success());
    wait_status(&app, second.id, DeliveryStatus::Sent).await;

    // A wrong token is permanent too (Meta's 190), and says so.
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(&admin.cookie, "team/save_whatsapp", json!({"id": inbox, "settings": {
            "phone_number_id": PHONE_ID, "business_account_id": WABA_ID, "api_base_url": fake.base_url(),
            "api_version": "v21.0", "access_token": "expired", "app_secret": "", "verify_token": ""}}))
        .await;
    let third: MessageView = reply(&app, &lucia.cookie, conversation, "Tercero")
        .await
        .json()
        .await
        .unwrap();
    let (error, _) = wait_status(&app, third.id, DeliveryStatus::Failed).await;
    assert!(error
        .unwrap()
        .starts_with("190 · Invalid OAuth access token"));
    // The other secrets were kept: webhooks still verify.
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(vec![text("wamid.r2", "ok", now_secs())], vec![])
        )
        .await,
        200
    );
}

fn template(name: &str, category: &str, status: &str, body: &str) -> Value {
    json!({"id": format!("t-{name}"), "name": name, "language": "es", "category": category, "status": status,
        "components": [{"type": "HEADER", "format": "TEXT", "text": "Tienda Sol"},
            {"type": "BODY", "text": body}, {"type": "FOOTER", "text": "Responde BAJA para no recibir más"}]})
}

async fn templates_and_the_window(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    fake.set_templates(vec![
        template(
            "pedido_enviado",
            "UTILITY",
            "APPROVED",
            "Hola {{1}}, tu pedido {{2}} ya está en camino.",
        ),
        template("oferta", "MARKETING", "APPROVED", "Hoy 20 % de descuento."),
        template("pendiente", "UTILITY", "PENDING", "Aún no."),
        template(
            "codigo",
            "AUTHENTICATION",
            "APPROVED",
            "Tu código es {{1}}.",
        ),
        template("rechazada", "MARKETING", "REJECTED", "No."),
    ]);
    let admin = app.sign_in(ADMIN).await;
    let synced: usize = app
        .ok(&admin.cookie, "team/sync_templates", json!({"id": inbox}))
        .await;
    assert_eq!(synced, 5);
    let pages = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/message_templates"))
        .count();
    assert_eq!(pages, 3, "every page followed");
    let lucia = app.sign_in(LUCIA).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "team/sync_templates",
            json!({"id": inbox}),
        )
        .await;
    assert_eq!(res.status(), 403, "administrators only");

    // A customer who last wrote 25 hours ago: the window is closed.
    let old = now_secs() - 25 * 3600;
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(
                vec![text("wamid.old", "¿Dónde está mi pedido?", old)],
                vec![]
            )
        )
        .await,
        200
    );
    let (_, conversation, _, _) = message_by_external(&app, "wamid.old").await;
    let detail: ConversationDetail = app
        .ok(
            &lucia.cookie,
            "conversations/get",
            json!({"id": conversation}),
        )
        .await;
    let composer = detail.whatsapp.expect("a WhatsApp conversation");
    assert_eq!(composer.last_inbound_at, Some(old * 1000));
    let offered: Vec<&str> = composer.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        offered,
        vec!["oferta", "pedido_enviado"],
        "approved, never AUTHENTICATION"
    );

    let before = fake.sent().len();
    let res = reply(
        &app,
        &lucia.cookie,
        conversation,
        "Te escribo fuera de plazo",
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<app::error::AppError>().await.unwrap(),
        app::error::AppError::validation("body", "window_closed")
    );
    // A private note is still fine.
    let note = app
        .call_json(Some(&lucia.cookie), "conversations/send", json!({"conversation_id": conversation, "body": "Llamar mañana", "private": true, "idempotency_key": null, "mentions": []}))
        .await;
    assert_eq!(note.status(), 200);

    let template_id = composer
        .templates
        .iter()
        .find(|t| t.name == "pedido_enviado")
        .unwrap()
        .id;
    let missing = app
        .call_json(Some(&lucia.cookie), "conversations/send_template", json!({"conversation_id": conversation, "template_id": template_id, "params": ["Ana", " "], "idempotency_key": null}))
        .await;
    assert_eq!(missing.status(), 422);
    assert_eq!(
        missing.json::<app::error::AppError>().await.unwrap(),
        app::error::AppError::validation("params.2", "required")
    );
    let sent: MessageView = app
        .ok(&lucia.cookie, "conversations/send_template", json!({"conversation_id": conversation, "template_id": template_id, "params": ["Ana", "A-17"], "idempotency_key": "k1"}))
        .await;
    assert_eq!(sent.body, "Hola Ana, tu pedido A-17 ya está en camino.");
    wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let sent_now = fake.sent();
    assert_eq!(
        sent_now.len(),
        before + 1,
        "the refused reply never reached Meta"
    );
    assert_eq!(
        sent_now.last().unwrap(),
        &json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER, "type": "template",
            "template": {"name": "pedido_enviado", "language": {"code": "es"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "A-17"}]}]}})
    );

    // Header and URL-button variables go in their own components.
    fake.set_templates(vec![
        template("oferta", "MARKETING", "APPROVED", "Hoy 20 % de descuento."),
        json!({"id": "t-envio", "name": "envio", "language": "es", "category": "UTILITY", "status": "APPROVED",
            "components": [{"type": "HEADER", "format": "TEXT", "text": "Pedido {{1}}"},
                {"type": "BODY", "text": "Hola {{1}}, ya sale."},
                {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Seguir", "url": "https://tienda.example/t/{{1}}"}]}]}),
    ]);
    let _: usize = app
        .ok(&admin.cookie, "team/sync_templates", json!({"id": inbox}))
        .await;
    let detail: ConversationDetail = app
        .ok(
            &lucia.cookie,
            "conversations/get",
            json!({"id": conversation}),
        )
        .await;
    let envio = detail
        .whatsapp
        .unwrap()
        .templates
        .into_iter()
        .find(|t| t.name == "envio")
        .unwrap();
    assert_eq!(envio.variable_count(), 3);
    let sent: MessageView = app
        .ok(&lucia.cookie, "conversations/send_template", json!({"conversation_id": conversation, "template_id": envio.id, "params": ["Ana", "A-17", "a17"], "idempotency_key": null}))
        .await;
    wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    assert_eq!(
        fake.sent().last().unwrap()["template"]["components"],
        json!([{"type": "header", "parameters": [{"type": "text", "text": "A-17"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "a17"}]}])
    );

    // The customer answers: free text is allowed again.
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(vec![text("wamid.new", "Gracias", now_secs())], vec![])
        )
        .await,
        200
    );
    assert_eq!(
        reply(&app, &lucia.cookie, conversation, "¡A ti!")
            .await
            .status(),
        200
    );

    // Templates deleted at Meta leave the picker on the next sync.
    fake.set_templates(vec![template(
        "oferta",
        "MARKETING",
        "APPROVED",
        "Hoy 20 % de descuento.",
    )]);
    let synced: usize = app
        .ok(&admin.cookie, "team/sync_templates", json!({"id": inbox}))
        .await;
    assert_eq!(synced, 1);
    let detail: ConversationDetail = app
        .ok(
            &lucia.cookie,
            "conversations/get",
            json!({"id": conversation}),
        )
        .await;
    assert_eq!(detail.whatsapp.unwrap().templates.len(), 1);
}

async fn outbound_media_as_meta_receives_it(app: TestApp) {
    use app::conversations::ssr::access::summary_in_tx;
    use app::conversations::ssr::messages::{
        insert_attachments_in_tx, insert_outgoing_in_tx, OutgoingRow,
    };
    use app::storage::{Files, NewAttachment};
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.m1").await;
    let lucia_id = app.agent_id(LUCIA).await;
    let agent = app::agents::ssr::list_team(&app.state.db, 1)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == lucia_id)
        .unwrap();
    // What the composer's upload will hand over (issue 5): files stored, then the message.
    let files = app.state.settings.files.clone();
    let mut stored = Vec::new();
    for (name, mime, bytes) in [
        ("foto.png", "image/png", PNG),
        ("voice.ogg", "audio/ogg", OGG),
    ] {
        let key = Files::new_key(1, name.rsplit('.').next().unwrap());
        files.put(&key, bytes.to_vec()).await.unwrap();
        stored.push(NewAttachment {
            file_name: name.into(),
            content_type: mime.into(),
            byte_size: bytes.len() as i64,
            storage_key: key,
            duration_ms: Some(2000).filter(|_| mime.starts_with("audio")),
        });
    }
    let mut tx = app.state.db.begin_write().await.unwrap();
    let summary = summary_in_tx(tx.conn(), conversation).await.unwrap();
    let row = OutgoingRow {
        body: "Aquí la foto",
        private: false,
        idempotency_key: None,
        content_type: "text",
        extra: None,
        reply_to: None,
    };
    let message_id = insert_outgoing_in_tx(
        &mut tx,
        app::conversations::ssr::messages::Author::Agent(&agent),
        &summary,
        &row,
        app::db::now_ms(),
    )
    .await
    .unwrap();
    insert_attachments_in_tx(&mut tx, message_id, &stored, app::db::now_ms())
        .await
        .unwrap();
    app.state.hub.commit(tx).await.unwrap();
    app.state.hub.wake_outbox();
    wait_status(&app, message_id, DeliveryStatus::Sent).await;

    let requests = fake.requests();
    let uploads: Vec<&Value> = requests
        .iter()
        .filter(|r| r.path.ends_with("/media"))
        .map(|r| &r.body)
        .collect();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0]["messaging_product"], "whatsapp");
    assert_eq!(uploads[0]["type"], "image/png");
    assert_eq!(uploads[0]["file"]["file_name"], "foto.png");
    assert_eq!(uploads[0]["file"]["size"], PNG.len());
    assert_eq!(uploads[1]["type"], "audio/ogg");
    let sent = fake.sent();
    let media: Vec<&Value> = sent.iter().filter(|b| b["type"] != "text").collect();
    assert_eq!(media.len(), 2);
    assert_eq!(media[0]["type"], "image");
    assert_eq!(
        media[0]["image"]["caption"], "Aquí la foto",
        "the text rides as the caption"
    );
    assert_eq!(media[1]["type"], "audio", "OGG/Opus goes as a voice note");
    assert!(media[1]["audio"].get("caption").is_none());
    assert!(media[1]["audio"]["id"]
        .as_str()
        .unwrap()
        .starts_with("media"));
}

async fn secrets_stay_on_the_server(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let admin = app.sign_in(ADMIN).await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/whatsapp_settings",
            json!({"id": inbox}),
        )
        .await;
    let text = res.text().await.unwrap();
    for secret in [TOKEN, APP_SECRET, VERIFY_TOKEN] {
        assert!(!text.contains(secret), "{secret} sent to the browser");
    }
    let view: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(view["has_access_token"], true);
    assert_eq!(view["phone_number_id"], PHONE_ID);
    let stored: String = sqlx::query_scalar("SELECT secrets FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    for secret in [TOKEN, APP_SECRET, VERIFY_TOKEN] {
        assert!(!stored.contains(secret), "{secret} stored in clear");
    }
    // Agents cannot read or change them; bad input is refused and changes nothing.
    let lucia = app.sign_in(LUCIA).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "team/whatsapp_settings",
            json!({"id": inbox}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call_json(Some(&admin.cookie), "team/save_whatsapp", json!({"id": inbox, "settings": {
            "phone_number_id": "12ab", "business_account_id": WABA_ID, "api_base_url": "", "api_version": "",
            "access_token": "x", "app_secret": "", "verify_token": ""}}))
        .await;
    assert_eq!(res.status(), 422);
    let after: String = sqlx::query_scalar("SELECT secrets FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after, stored);
}

/// A reply retried (same idempotency key) after the window closed gets the stored
/// reply back, once, rather than "window closed": it was sent while the window was open.
async fn a_retry_after_the_window_closed_gets_the_stored_reply(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.r1").await;
    let lucia = app.sign_in(LUCIA).await;
    let body = json!({"conversation_id": conversation, "body": "Te lo envío hoy", "private": false,
        "idempotency_key": "retry-after-window", "mentions": []});
    let first: MessageView = app
        .ok(&lucia.cookie, "conversations/send", body.clone())
        .await;
    // The customer's last message now lies 25 hours back.
    sqlx::query("UPDATE conversations SET last_customer_message_at = $1 WHERE id = $2")
        .bind((now_secs() - 25 * 3600) * 1000)
        .bind(conversation)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let again: MessageView = app.ok(&lucia.cookie, "conversations/send", body).await;
    assert_eq!(again.id, first.id);
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE idempotency_key = 'retry-after-window'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    // A new reply is refused: the window really is closed.
    let res = reply(&app, &lucia.cookie, conversation, "Otra cosa").await;
    assert_eq!(res.status(), 422);
}

/// A number WhatsApp gives in a range libphonenumber's metadata does not know: the
/// customer keeps it as her phone, found by search and offered in "Para".
async fn a_whatsapp_customer_keeps_her_number(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    // Country code 999 is unassigned: libphonenumber refuses it; WhatsApp verified it.
    let wa_id = "99912345678";
    assert!(app::domain::PhoneNumber::parse(&format!("+{wa_id}"), "ES").is_err());
    let mut body = delivery(
        vec![
            json!({"from": wa_id, "id": "w.newrange", "timestamp": now_secs().to_string(),
                    "type": "text", "text": {"body": "Hola desde un número nuevo"}}),
        ],
        vec![],
    );
    body["entry"][0]["changes"][0]["value"]["contacts"] =
        json!([{"profile": {"name": "Nuria Rango"}, "wa_id": wa_id}]);
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    let (contact, phone): (i64, Option<String>) =
        sqlx::query_as("SELECT id, phone_e164 FROM contacts WHERE name = 'Nuria Rango'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(phone.as_deref(), Some("+99912345678"));

    let lucia = app.sign_in(LUCIA).await;
    let found: Value = app
        .ok(
            &lucia.cookie,
            "contacts/list",
            json!({"query": "99912345678", "sort": "name", "after": null}),
        )
        .await;
    assert!(found.to_string().contains("Nuria Rango"), "{found}");
    // Nueva conversación to her own number is accepted as stored.
    let template: i64 =
        sqlx::query_scalar("SELECT id FROM whatsapp_templates WHERE name = 'seguimiento_pedido'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let started = app
        .call_json(
            Some(&lucia.cookie),
            "contacts/start",
            json!({"contact_id": contact, "inbox_id": inbox, "to": "+999 1234 5678",
                   "first": {"kind": "template", "template_id": template, "params": ["Nuria", "C-3"]}}),
        )
        .await;
    assert_eq!(started.status(), 200, "{}", started.text().await.unwrap());
    // Another unknown range typed by hand is still refused.
    let typed = app
        .call_json(
            Some(&lucia.cookie),
            "contacts/start",
            json!({"contact_id": contact, "inbox_id": inbox, "to": "+999 7654 3210",
                   "first": {"kind": "template", "template_id": template, "params": ["Nuria", "C-3"]}}),
        )
        .await;
    assert_eq!(typed.status(), 422);
}

/// The access token goes where the base URL points: moved elsewhere with the token left
/// empty, the stored token is forgotten, and a sync sends nothing to the new address.
async fn a_new_base_url_forgets_the_token(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let elsewhere = FakeGraph::start().await;
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_whatsapp",
            json!({"id": inbox, "settings": {
                "phone_number_id": PHONE_ID, "business_account_id": WABA_ID,
                "api_base_url": elsewhere.base_url(), "api_version": "v21.0",
                "access_token": "", "app_secret": "", "verify_token": ""}}),
        )
        .await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/sync_templates",
            json!({"id": inbox}),
        )
        .await;
    assert!(!res.status().is_success(), "synced without a token");
    assert!(
        elsewhere.requests().is_empty(),
        "the new address was called"
    );
    // Webhooks still verify: the app secret is not sent anywhere, so it stays.
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(vec![text("wamid.moved", "hola", now_secs())], vec![])
        )
        .await,
        200
    );
}

/// S7: templates with an image or document header, with named variables, and those
/// Charla cannot send, synced in Meta's documented shapes; the request Meta receives.
async fn media_header_and_named_templates(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    fake.set_templates(vec![
        json!({"id": "t-factura", "name": "factura_lista", "language": "es", "category": "UTILITY",
            "status": "APPROVED", "parameter_format": "NAMED",
            "components": [
                {"type": "HEADER", "format": "DOCUMENT", "example": {"header_handle": ["4::YXBwbGljYXRpb24vcGRm:ARb"]}},
                {"type": "BODY", "text": "Hola {{nombre}}, adjuntamos tu factura {{numero}}.",
                 "example": {"body_text_named_params": [
                     {"param_name": "nombre", "example": "Ana"}, {"param_name": "numero", "example": "F-1"}]}}]}),
        json!({"id": "t-promo", "name": "promo_foto", "language": "es", "category": "MARKETING",
            "status": "APPROVED", "parameter_format": "POSITIONAL",
            "components": [
                {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1hZ2UvcG5n:ARa"]}},
                {"type": "BODY", "text": "Hola {{1}}, mira lo nuevo.", "example": {"body_text": [["Ana"]]}}]}),
        json!({"id": "t-reserva", "name": "reserva", "language": "es", "category": "UTILITY",
            "status": "APPROVED",
            "components": [{"type": "BODY", "text": "Reserva tu cita."},
                {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Reservar", "flow_id": "12", "flow_action": "navigate"}]}]}),
    ]);
    let admin = app.sign_in(ADMIN).await;
    let synced: usize = app
        .ok(&admin.cookie, "team/sync_templates", json!({"id": inbox}))
        .await;
    assert_eq!(synced, 3);

    let old = now_secs() - 30 * 3600;
    assert_eq!(
        post_signed(
            &app,
            inbox,
            &delivery(vec![text("wamid.t-old", "¿Y mi factura?", old)], vec![])
        )
        .await,
        200
    );
    let (_, conversation, _, _) = message_by_external(&app, "wamid.t-old").await;
    let lucia = app.sign_in(LUCIA).await;
    let detail: ConversationDetail = app
        .ok(
            &lucia.cookie,
            "conversations/get",
            json!({"id": conversation}),
        )
        .await;
    let templates = detail.whatsapp.unwrap().templates;
    let find = |name: &str| templates.iter().find(|t| t.name == name).unwrap().clone();
    let (factura, promo, reserva) = (find("factura_lista"), find("promo_foto"), find("reserva"));
    assert!(factura.named);
    assert_eq!(factura.header_media, Some(HeaderMedia::Document));
    assert_eq!(factura.variable_count(), 2);
    assert_eq!(promo.header_media, Some(HeaderMedia::Image));
    assert_eq!(
        reserva.unsupported,
        Some(Unsupported::Button("FLOW".into())),
        "listed, with the reason"
    );

    let send = |template: i64, params: Value, header: Value| {
        json!({"conversation_id": conversation, "template_id": template, "params": params,
            "idempotency_key": null, "header_file": header})
    };
    let refused = |res: reqwest::Response| async move {
        assert_eq!(res.status(), 422);
        res.json::<app::error::AppError>().await.unwrap()
    };
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send_template",
            send(reserva.id, json!([]), Value::Null),
        )
        .await;
    assert_eq!(
        refused(res).await,
        app::error::AppError::validation("template_id", "unsupported")
    );
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send_template",
            send(factura.id, json!(["Ana", "F-9"]), Value::Null),
        )
        .await;
    assert_eq!(
        refused(res).await,
        app::error::AppError::validation("header_file", "required")
    );
    let (status, png) = crate::uploads::upload(
        &app,
        &lucia.cookie,
        &format!("conversation_id={conversation}&name=foto.png"),
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send_template",
            send(factura.id, json!(["Ana", "F-9"]), png["id"].clone()),
        )
        .await;
    assert_eq!(
        refused(res).await,
        app::error::AppError::validation("header_file", "wrong_type"),
        "a document header takes a PDF"
    );
    let before = fake.sent().len();
    assert_eq!(before, 0, "nothing refused reached Meta");

    let (status, pdf) = crate::uploads::upload(
        &app,
        &lucia.cookie,
        &format!("conversation_id={conversation}&name=factura-F9.pdf"),
        PDF.to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    let sent: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send_template",
            send(factura.id, json!(["Ana", "F-9"]), pdf["id"].clone()),
        )
        .await;
    assert_eq!(sent.body, "Hola Ana, adjuntamos tu factura F-9.");
    assert_eq!(
        sent.attachments.len(),
        1,
        "the header file shows in the thread"
    );
    assert_eq!(sent.attachments[0].file_name, "factura-F9.pdf");
    wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let requests = fake.requests();
    let upload = requests
        .iter()
        .rfind(|r| r.path.ends_with("/media"))
        .expect("the file went to the media endpoint");
    assert_eq!(upload.body["type"], "application/pdf");
    assert_eq!(upload.body["messaging_product"], "whatsapp");
    assert_eq!(upload.body["file"]["size"], PDF.len());
    let media_id = fake.last_media_id();
    assert_eq!(
        fake.sent().last().unwrap(),
        &json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER, "type": "template",
            "template": {"name": "factura_lista", "language": {"code": "es"}, "components": [
                {"type": "header", "parameters": [{"type": "document", "document": {"id": media_id, "filename": "factura-F9.pdf"}}]},
                {"type": "body", "parameters": [
                    {"type": "text", "parameter_name": "nombre", "text": "Ana"},
                    {"type": "text", "parameter_name": "numero", "text": "F-9"}]}]}})
    );
    // The same file cannot go twice.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send_template",
            send(factura.id, json!(["Ana", "F-9"]), pdf["id"].clone()),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Nueva conversación opening with the image template: the header is uploaded for
    // the inbox, before the conversation exists.
    let contact: i64 =
        sqlx::query_scalar("SELECT c.contact_id FROM conversations c WHERE c.id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (status, _) = crate::uploads::upload(
        &app,
        &lucia.cookie,
        "inbox_id=999999&name=foto.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 404, "only an inbox she works");
    let (status, image) = crate::uploads::upload(
        &app,
        &lucia.cookie,
        &format!("inbox_id={inbox}&name=foto.png"),
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    let started: app::conversations::model::ConversationSummary = app
        .ok(
            &lucia.cookie,
            "contacts/start",
            json!({"contact_id": contact, "inbox_id": inbox, "to": format!("+{CUSTOMER}"),
                   "first": {"kind": "template", "template_id": promo.id, "params": ["Ana"],
                             "header_file": image["id"]}}),
        )
        .await;
    let first: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": started.id, "before": null}),
        )
        .await;
    let opening = first
        .items
        .iter()
        .find(|m| m.body == "Hola Ana, mira lo nuevo.")
        .unwrap();
    assert_eq!(opening.attachments.len(), 1);
    wait_status(&app, opening.id, DeliveryStatus::Sent).await;
    assert_eq!(
        fake.sent().last().unwrap()["template"]["components"],
        json!([{"type": "header", "parameters": [{"type": "image", "image": {"id": fake.last_media_id()}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}])
    );
}

on_both_backends!(
    a_whatsapp_customer_keeps_her_number,
    handshake_and_signatures,
    every_inbound_type,
    statuses_reach_the_message,
    retries_then_gives_up_with_metas_reason,
    templates_and_the_window,
    media_header_and_named_templates,
    a_new_base_url_forgets_the_token,
    outbound_media_as_meta_receives_it,
    secrets_stay_on_the_server,
    a_retry_after_the_window_closed_gets_the_stored_reply,
    a_change_must_name_the_inbox_number,
);

/// A signed delivery whose change names no phone number id, or another one, stores
/// nothing: only changes for the inbox's own number count.
async fn a_change_must_name_the_inbox_number(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let messages = "SELECT COUNT(*) FROM messages WHERE direction = 'incoming'";
    let before = count(&app, messages).await;
    let mut unnamed = delivery(
        vec![text("wamid.unnamed", "sin número", now_secs())],
        vec![],
    );
    unnamed["entry"][0]["changes"][0]["value"]
        .as_object_mut()
        .unwrap()
        .remove("metadata");
    assert_eq!(post_signed(&app, inbox, &unnamed).await, 200);
    let mut other = delivery(vec![text("wamid.other", "otro número", now_secs())], vec![]);
    other["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = json!("999000999");
    assert_eq!(post_signed(&app, inbox, &other).await, 200);
    assert_eq!(count(&app, messages).await, before, "neither was stored");
    let named = delivery(vec![text("wamid.named", "el mío", now_secs())], vec![]);
    assert_eq!(post_signed(&app, inbox, &named).await, 200);
    assert_eq!(count(&app, messages).await, before + 1);
}
