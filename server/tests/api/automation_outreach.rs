//! What a rule tells outside the conversation (issue 32), on both databases: "call a
//! webhook" posts the conversation as Chatwoot's automation does
//! (`automation_event.<event>`), through the webhooks' queue — retried after a
//! failure, which is the rule's last error meanwhile — to a webhook of the rule's own
//! that the account's webhook list does not show; "email a teammate" reaches those
//! named who may see the conversation, through the server's SMTP setting (the real
//! mail servers), and a failure to send is the rule's last error. A webhook the server
//! may not call is refused when the rule is saved.
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

use app::error::AppError;

use crate::automation_engine::{lines, rule, rules, settled, visitor_writes};
use crate::email::{address, mail_servers, read_mailbox, SMTP_PORT};
use crate::helpers::*;
use crate::on_both_backends;
use crate::webhooks::{start_receiver, wait_for};

on_both_backends!(a_rule_calls_its_webhook_through_the_queue);

async fn display_id(app: &TestApp, conversation: i64) -> i64 {
    sqlx::query_scalar("SELECT display_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn last_error(app: &TestApp, rule: i64) -> Option<String> {
    sqlx::query_scalar("SELECT last_error FROM automation_rules WHERE id = $1")
        .bind(rule)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Waits (bounded) until the rule's last error says `what`.
async fn error_says(app: &TestApp, rule: i64, what: &str) -> String {
    for _ in 0..200 {
        if let Some(error) = last_error(app, rule).await.filter(|e| e.contains(what)) {
            return error;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the rule's last error never said {what:?}: {:?}",
        last_error(app, rule).await
    );
}

/// Waits (bounded) until the webhooks' dispatcher has read the whole log and no
/// delivery waits.
async fn dispatched(app: &TestApp) {
    for _ in 0..200 {
        let (cursor, newest, waiting): (Option<i64>, Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT MAX(last_event_id) FROM webhook_cursors), (SELECT MAX(id) FROM events), \
             (SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending')",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if cursor.is_some() && cursor >= newest && waiting == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the webhooks' dispatcher never caught up");
}

async fn a_rule_calls_its_webhook_through_the_queue(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    // The receiver answers 500 once: the call is retried (the sender's first backoff).
    let (url, receiver) = start_receiver(1).await;
    let shop = rule(&app, &admin.cookie, json!({"name": "Avisar a la tienda", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["pedido"]}],
        "actions": [{"action_name": "send_webhook_event", "action_params": [url]}]})).await;
    let token = app.web_chat_token().await;
    let conversation = visitor_writes(&app, &token, "¿dónde está mi pedido 77?").await;
    let number = display_id(&app, conversation).await;
    settled(&app).await;
    assert_eq!(lines(&app, conversation, "send_webhook_event").await, 1);

    let call = |body: &Value| body["event"] == "automation_event.message_created";
    let (first, failed, body) = wait_for(&receiver, 0, call).await;
    assert_eq!(body["id"], number, "{body}");
    assert_eq!(body["account"]["id"], app.account_id().await);
    assert!(body["meta"]["sender"].is_object(), "{body}");
    let error = error_says(&app, shop.id, "HTTP 500").await;
    assert!(error.contains(&url), "{error}");
    let (_, retried, again) = wait_for(&receiver, first + 1, call).await;
    assert_eq!(again["id"], number);
    assert_eq!(
        failed.headers["x-chatwoot-delivery"], retried.headers["x-chatwoot-delivery"],
        "a retry is the same delivery"
    );

    // Another match: another call, through the same webhook of the rule's own.
    let other = visitor_writes(&app, &token, "otro pedido").await;
    let other_number = display_id(&app, other).await;
    wait_for(&receiver, 0, |b| call(b) && b["id"] == other_number).await;
    let hooks: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT rule_id, url FROM webhooks ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(hooks, vec![(Some(shop.id), url.clone())]);
    // Not one of the account's webhooks (Chatwoot's list).
    let account = app.account_id().await;
    let res = client()
        .request(
            Method::GET,
            app.url(&format!("/api/v1/accounts/{account}/webhooks")),
        )
        .header("api_access_token", app.api_token(ADMIN).await)
        .send()
        .await
        .unwrap();
    let listed: Value = res.json().await.unwrap();
    assert_eq!(listed["payload"]["webhooks"], json!([]), "{listed}");

    // A message the rule does not match calls nothing (once the webhooks' dispatcher
    // has read past it, and the sender has nothing waiting).
    let before = receiver.got.lock().unwrap().len();
    visitor_writes(&app, &token, "hola").await;
    settled(&app).await;
    dispatched(&app).await;
    let after: Vec<Value> = receiver.got.lock().unwrap()[before..]
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert!(after.iter().all(|b| b["id"] == other_number), "{after:?}");

    // Pointed elsewhere: the old URL's webhook goes; the next call makes the new one's.
    let (moved_url, moved) = start_receiver(0).await;
    app.ok::<Value>(&admin.cookie, "automation/save", json!({"id": shop.id, "rule": {
        "name": "Avisar a la tienda", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["pedido"]}],
        "actions": [{"action_name": "send_webhook_event", "action_params": [moved_url]}]}}))
        .await;
    let urls = || async {
        sqlx::query_scalar::<_, String>("SELECT url FROM webhooks ORDER BY id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert!(urls().await.is_empty());
    let third = visitor_writes(&app, &token, "tercer pedido").await;
    let third_number = display_id(&app, third).await;
    wait_for(&moved, 0, |b| call(b) && b["id"] == third_number).await;
    assert_eq!(urls().await, vec![moved_url]);

    // Removing the rule removes its webhook.
    app.ok::<Value>(&admin.cookie, "automation/remove", json!({"id": shop.id}))
        .await;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// Strict outbound policy (as in production): a rule may not call inside the network;
/// a webhook that is not http(s) is refused too; nothing is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_the_server_may_not_call_is_refused_on_save() {
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.outbound.allow_private = false;
    })
    .await
    .unwrap();
    let admin = app.sign_in(ADMIN).await;
    for (url, code) in [
        ("http://127.0.0.1:9/hook", "url_not_allowed"),
        ("http://10.0.0.7/hook", "url_not_allowed"),
        ("ftp://example.org/hook", "url"),
    ] {
        let res = app
            .call_json(
                Some(&admin.cookie),
                "automation/save",
                json!({"id": null, "rule": {"name": "Fuera", "event_name": "conversation_created",
                    "actions": [{"action_name": "send_webhook_event", "action_params": [url]}]}}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 422, "{url}");
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation("actions", code),
            "{url}"
        );
    }
    assert!(rules(&app, &admin.cookie).await.is_empty());

    // A rule saved before the check (or before the policy was strict) is checked again
    // at each call: refused, named as the rule's last error, nothing queued.
    let legacy = rule(
        &app,
        &admin.cookie,
        json!({"name": "Antigua", "event_name": "conversation_created",
        "actions": [{"action_name": "add_private_note", "action_params": ["x"]}]}),
    )
    .await;
    sqlx::query("UPDATE automation_rules SET actions = $1 WHERE id = $2")
        .bind(r#"[{"action_name": "send_webhook_event", "action_params": ["http://127.0.0.1:9/hook"]}]"#)
        .bind(legacy.id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    visitor_writes(&app, &app.web_chat_token().await, "hola").await;
    let error = error_says(&app, legacy.id, "address_not_allowed").await;
    assert!(error.contains("127.0.0.1:9"), "{error}");
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0);
}

on_both_backends!(an_email_without_smtp_is_the_rules_error);

/// Without an SMTP setting the email cannot go: the row fails at once with the reason,
/// which is the rule's last error.
async fn an_email_without_smtp_is_the_rules_error(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.agent_id(LUCIA).await;
    let tell = rule(
        &app,
        &admin.cookie,
        json!({"name": "Avisar a Lucía", "event_name": "conversation_created",
        "actions": [{"action_name": "send_email_to_team",
            "action_params": [{"agent_ids": [lucia], "message": "Nueva conversación"}]}]}),
    )
    .await;
    visitor_writes(&app, &app.web_chat_token().await, "hola").await;
    let error = error_says(&app, tell.id, "CHARLA_SMTP_URL").await;
    assert!(error.contains("lucia@charla.local"), "{error}");
    let state: String = sqlx::query_scalar("SELECT state FROM automation_mails")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_reach_teammates_sqlite() {
    if mail_servers().await {
        emails_reach_teammates_who_see_it(Backend::Sqlite).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_reach_teammates_postgres() {
    if mail_servers().await {
        emails_reach_teammates_who_see_it(Backend::Postgres).await;
    }
}

async fn emails_reach_teammates_who_see_it(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |config| {
        config.notify.smtp_url = Some(format!("smtp://127.0.0.1:{SMTP_PORT}"));
        config.notify.mail_from = "Charla <avisos@example.org>".into();
        config.public_url = Some("https://charla.example.org".into());
    })
    .await
    else {
        return;
    };
    let admin = app.sign_in(ADMIN).await;
    let (lucia_id, marcos_id) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let (lucia_mail, marcos_mail) = (address("lucia"), address("marcos"));
    for (id, mail) in [(lucia_id, &lucia_mail), (marcos_id, &marcos_mail)] {
        sqlx::query("UPDATE agents SET email = $1 WHERE id = $2")
            .bind(mail)
            .bind(id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    // Marcos does not work the web chat: its conversations are not his to see.
    sqlx::query(
        "DELETE FROM inbox_members WHERE agent_id = $1 \
         AND inbox_id IN (SELECT id FROM inboxes WHERE channel_kind = 'web_chat')",
    )
    .bind(marcos_id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let tell = rule(&app, &admin.cookie, json!({"name": "Facturas urgentes", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["factura"]}],
        "actions": [{"action_name": "send_email_to_team",
            "action_params": [{"agent_ids": [lucia_id, marcos_id], "message": "Un cliente pregunta por una factura"}]}]})).await;
    let conversation = visitor_writes(&app, &app.web_chat_token().await, "mi factura").await;
    let number = display_id(&app, conversation).await;
    settled(&app).await;
    assert_eq!(lines(&app, conversation, "send_email_to_team").await, 1);
    let queued: Vec<i64> = sqlx::query_scalar("SELECT agent_id FROM automation_mails")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, vec![lucia_id], "only those who may see it");

    let mails = read_mailbox(&lucia_mail, 1).await;
    assert_eq!(mails.len(), 1);
    let subject = mails[0].subject().unwrap_or_default();
    assert!(
        subject.contains("Facturas urgentes") && subject.contains(&format!("#{number}")),
        "{subject}"
    );
    let text = mails[0].body_text(0).unwrap_or_default().to_string();
    assert!(
        text.contains("Un cliente pregunta por una factura"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "https://charla.example.org/conversations/{conversation}"
        )),
        "{text}"
    );
    let sent: String = sqlx::query_scalar("SELECT state FROM automation_mails")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(sent, "sent");
    assert_eq!(last_error(&app, tell.id).await, None);
}
