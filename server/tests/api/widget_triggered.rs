//! `webwidget_triggered` (issue 30), on both databases: the widget says the visitor
//! opened the chat; webhooks that ask for the event and the inbox's agent bot get
//! Chatwoot's `contact_inbox` payload with `event_info`, signed; a webhook that did not
//! ask gets nothing; an unknown widget token is 404; the widget's allowance counts it.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;
use crate::webhooks::{start_receiver, verify, wait_for};
use app::widget::WidgetSent;

on_both_backends!(opening_the_chat_tells_webhooks_and_the_bot);

const CHROME: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
                      (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

async fn opened(app: &TestApp, body: Value) -> u16 {
    client()
        .post(app.url("/api/widget/triggered"))
        .header("user-agent", CHROME)
        .header("accept-language", "es-ES,es;q=0.9,en;q=0.8")
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn deliveries_to(app: &TestApp, webhook: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1")
        .bind(webhook)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn opening_the_chat_tells_webhooks_and_the_bot(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let token = app.web_chat_token().await;
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE web_token = $1")
        .bind(&token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let (url, receiver) = start_receiver(0).await;
    let (status, created) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/webhooks"),
        Some(json!({"webhook": {"url": url, "subscriptions": ["webwidget_triggered"]}})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let secret = created["payload"]["webhook"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (other_url, _) = start_receiver(0).await;
    let (status, other) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/webhooks"),
        Some(json!({"webhook": {"url": other_url, "subscriptions": ["message_created"]}})),
    )
    .await;
    assert_eq!(status, 200, "{other}");
    let other = other["payload"]["webhook"]["id"].as_i64().unwrap();

    // A newcomer opens the chat on the shop's product page: no contact yet.
    let status = opened(
        &app,
        json!({
            "token": token, "visitor": null, "referer": "https://tienda.example/producto/42",
            "initiated_at": "Sun Dec 06 2026 09:00:00 GMT+0100", "locale": "es",
        }),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        deliveries_to(&app, other).await,
        0,
        "a webhook that did not ask is not told"
    );
    let (_, first, newcomer) =
        wait_for(&receiver, 0, |b| b["event"] == "webwidget_triggered").await;
    verify(&secret, &first);
    assert_eq!(
        newcomer["inbox"],
        json!({"id": inbox, "name": newcomer["inbox"]["name"]})
    );
    assert!(newcomer["inbox"]["name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert_eq!(newcomer["account"]["id"], account);
    assert_eq!(newcomer["contact"], Value::Null);
    assert_eq!(newcomer["current_conversation"], Value::Null);
    let info = &newcomer["event_info"];
    assert_eq!(info["referer"], "https://tienda.example/producto/42");
    assert_eq!(
        info["initiated_at"]["timestamp"],
        "Sun Dec 06 2026 09:00:00 GMT+0100"
    );
    assert_eq!(info["widget_language"], "es");
    assert_eq!(info["browser_language"], "es");
    assert_eq!(info["browser"]["browser_name"], "Chrome");
    assert_eq!(info["browser"]["browser_version"], "120.0.0.0");

    // She writes, and opens the chat again later: her contact and conversation come.
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "¿Tenéis la talla M?", "name": "Irene Solís", "email": null}))
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let status = opened(
        &app,
        json!({"token": token, "visitor": sent.visitor, "referer": "javascript:alert(1)"}),
    )
    .await;
    assert_eq!(status, 204);
    let (_, _, known) = wait_for(&receiver, 1, |b| b["event"] == "webwidget_triggered").await;
    assert_eq!(known["contact"]["name"], "Irene Solís");
    assert_eq!(known["current_conversation"]["id"], conversation);
    assert_eq!(known["current_conversation"]["inbox_id"], inbox);
    assert!(known["id"].is_i64());
    assert!(known["source_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert_ne!(
        known["source_id"].as_str(),
        Some(sent.visitor.as_str()),
        "her token stays hers"
    );
    assert_eq!(
        known["event_info"]["referer"],
        Value::Null,
        "only a web address is a referer"
    );

    // The inbox's agent bot hears of it too, signed with its own secret.
    let (bot_url, bot_receiver) = start_receiver(0).await;
    let (status, bot) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/agent_bots"),
        Some(json!({"name": "Recepción", "outgoing_url": bot_url})),
    )
    .await;
    assert_eq!(status, 200, "{bot}");
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/inboxes/{inbox}/set_agent_bot")),
        Some(json!({"agent_bot": bot["id"]})),
    )
    .await;
    assert_eq!(status, 204);
    let signed = app.sign_in(ADMIN).await;
    let bots: Vec<app::chatwoot::bots::model::AgentBotView> =
        app.ok(&signed.cookie, "bots/list", json!({})).await;
    let bot_secret = bots
        .iter()
        .find(|b| json!(b.id) == bot["id"])
        .unwrap()
        .secret
        .clone();
    assert_eq!(
        opened(&app, json!({"token": token, "visitor": sent.visitor})).await,
        204
    );
    let (_, heard, told) =
        wait_for(&bot_receiver, 0, |b| b["event"] == "webwidget_triggered").await;
    verify(&bot_secret, &heard);
    assert_eq!(told["contact"]["name"], "Irene Solís");

    // Nobody's inbox: 404, and nothing queued.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(opened(&app, json!({"token": "no-such-inbox"})).await, 404);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

mod opening_the_chat_counts_against_the_widget_allowance {
    use crate::helpers::{spawn_app_with, Backend};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::throttled(spawn_app_with(Backend::Sqlite, super::small).await.unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = spawn_app_with(Backend::Postgres, super::small).await {
            super::throttled(app).await;
        }
    }
}

fn small(config: &mut server::Config) {
    config.trust_proxy = true;
    config.widget.messages_per_address = 3;
}

/// Opening the chat is a request that makes Charla call out: one address may not do
/// it faster than it may write, and doing so spends none of what it may write.
async fn throttled(app: TestApp) {
    let token = app.web_chat_token().await;
    let open_from = |address: &'static str| {
        client()
            .post(app.url("/api/widget/triggered"))
            .header("x-forwarded-for", address)
            .json(&json!({"token": token}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(open_from("198.51.100.20").await.unwrap().status(), 204);
    }
    let refused = open_from("198.51.100.20").await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    assert_eq!(open_from("198.51.100.21").await.unwrap().status(), 204);
    // Openings have their own allowance: the throttled address may still write.
    let wrote = client()
        .post(app.url("/api/widget/send"))
        .header("x-forwarded-for", "198.51.100.20")
        .json(
            &json!({"token": token, "visitor": null, "body": "Hola", "name": null, "email": null}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(wrote.status(), 200);
}
