//! A rule or a macro sends an approved WhatsApp template (issue 32), on both databases:
//! named by Meta's name and language with its variables, stored as a template message
//! and sent to the Graph API (the local fake) in Meta's shape; a web chat conversation
//! the rule matches passes over it; a macro naming a template the inbox does not have
//! is refused whole, nothing sent.
use serde_json::json;

use crate::automation_engine::{rule, settled};
use crate::fake_graph::FakeGraph;
use crate::helpers::*;
use crate::on_both_backends;
use crate::whatsapp::{configure, delivery, message_by_external, now_secs, post_signed, text};
use app::error::AppError;

on_both_backends!(rules_and_macros_send_whatsapp_templates);

async fn templates_in(app: &TestApp, conversation: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = $1 AND content_type = 'template' ORDER BY id",
    )
    .bind(conversation)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn rules_and_macros_send_whatsapp_templates(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let admin = app.sign_in(ADMIN).await;
    rule(&app, &admin.cookie, json!({"name": "Seguimiento", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["pedido"]}],
        "actions": [{"action_name": "send_template",
            "action_params": [{"name": "seguimiento_pedido", "language": "es", "params": ["Ana", "C-9"]}]}]}))
    .await;

    let before = fake.sent().len();
    let status = post_signed(
        &app,
        inbox,
        &delivery(vec![text("wamid.tp1", "¿Y mi pedido?", now_secs())], vec![]),
    )
    .await;
    assert_eq!(status, 200);
    let conversation = message_by_external(&app, "wamid.tp1").await.1;
    settled(&app).await;
    assert_eq!(
        templates_in(&app, conversation).await,
        ["Hola Ana, tu pedido C-9 ya está en camino."]
    );
    let mut sent = None;
    for _ in 0..100 {
        sent = fake.sent().get(before..).and_then(|s| s.last().cloned());
        if sent.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sent = sent.expect("the template reached the Graph API");
    assert_eq!(sent["type"], "template");
    assert_eq!(sent["template"]["name"], "seguimiento_pedido");
    assert_eq!(sent["template"]["language"]["code"], "es");
    assert_eq!(
        sent["template"]["components"],
        json!([{"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "C-9"}]}])
    );

    // A web chat conversation the rule matches: no template there.
    let web =
        crate::automation_engine::visitor_writes(&app, &app.web_chat_token().await, "mi pedido")
            .await;
    settled(&app).await;
    assert!(templates_in(&app, web).await.is_empty());

    // A macro naming a template this inbox does not have changes nothing.
    let lucia = app.sign_in(LUCIA).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "macros/save",
            json!({"id": null, "saved": {"name": "Plantilla", "visibility": "personal", "actions": [
                {"action_name": "add_private_note", "action_params": ["antes"]},
                {"action_name": "send_template", "action_params": [{"name": "no_existe", "language": "es"}]}]}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let missing: app::automation::macros::Macro = res.json().await.unwrap();
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "macros/run",
            json!({"id": missing.id, "conversation_id": conversation}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<AppError>().await.unwrap(),
        AppError::validation("template", "unknown")
    );
    let notes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND body = 'antes'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(notes, 0, "refused whole");

    // The template choices offered to the forms.
    let offered: Vec<(String, String)> = app.ok(&lucia.cookie, "macros/templates", json!({})).await;
    assert!(
        offered.contains(&("seguimiento_pedido".into(), "es".into())),
        "{offered:?}"
    );
}
