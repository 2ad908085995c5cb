//! "No reply for N minutes" (issue 32), on both databases: a customer left waiting
//! longer than the rule's minutes gets the rule's actions once per wait (a note and a
//! priority, with the rule's line); a wait not long enough, a conversation whose
//! conditions do not hold and another pass over the same wait do nothing; workers
//! racing (replicas) act once; after an agent's reply her next message starts a new
//! wait the rule acts on again.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::automation::ssr::no_reply::scan_once;
use app::automation::AutomationRule;
use app::widget::WidgetSent;

on_both_backends!(a_waiting_customer_is_acted_on_once_per_wait);

async fn visitor_writes(
    app: &TestApp,
    token: &str,
    visitor: Option<&str>,
    body: &str,
) -> WidgetSent {
    app.ok(
        "",
        "widget/send",
        json!({"token": token, "visitor": visitor, "body": body, "name": "Paula", "email": null}),
    )
    .await
}

/// `minutes` pass for her wait and for the rules (as if she had written, and the rules
/// been saved, that much earlier).
async fn waited(app: &TestApp, conversation: i64, minutes: i64) {
    sqlx::query("UPDATE conversations SET waiting_since = waiting_since - $1 WHERE id = $2")
        .bind(minutes * 60_000)
        .bind(conversation)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE automation_rules SET updated_at = updated_at - $1")
        .bind(minutes * 60_000)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

async fn rule_lines(app: &TestApp, conversation: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND content_attributes LIKE '%automation_ran%'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn scan(app: &TestApp) -> usize {
    scan_once(&app.state.db, &app.state.hub).await.unwrap()
}

async fn a_waiting_customer_is_acted_on_once_per_wait(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    // The demo's customers waiting since it was seeded are not this test's.
    sqlx::query("UPDATE conversations SET waiting_since = NULL")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    // A customer who had waited two hours before the rule existed is not its business.
    let token = app.web_chat_token().await;
    let before = visitor_writes(&app, &token, None, "Llevo horas aquí").await;
    let before = app.conversation_of_message(before.message.id).await;
    sqlx::query("UPDATE conversations SET waiting_since = waiting_since - 7200000 WHERE id = $1")
        .bind(before)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    let saved: AutomationRule = app
        .ok(
            &admin.cookie,
            "automation/save",
            json!({"id": null, "rule": {"name": "Sin respuesta", "event_name": "no_reply", "no_reply_minutes": 30,
                "conditions": [{"attribute_key": "channel", "filter_operator": "equal_to", "values": ["web_chat"]}],
                "actions": [
                    {"action_name": "add_private_note", "action_params": ["Lleva media hora esperando"]},
                    {"action_name": "change_priority", "action_params": ["urgent"]}
                ]}}),
        )
        .await;
    assert_eq!(saved.no_reply_minutes, Some(30));
    // Minutes out of range are refused naming them.
    let res = app
        .call_json(
            Some(&admin.cookie),
            "automation/save",
            json!({"id": null, "rule": {"name": "Mal", "event_name": "no_reply", "no_reply_minutes": 1,
                "actions": [{"action_name": "resolve_conversation"}]}}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(body.to_string().contains("no_reply_minutes"), "{body}");

    let first = visitor_writes(&app, &token, None, "¿Hay alguien?").await;
    let conversation = app.conversation_of_message(first.message.id).await;
    // Not long enough yet.
    waited(&app, conversation, 10).await;
    assert_eq!(scan(&app).await, 0);
    assert_eq!(rule_lines(&app, conversation).await, 0);

    // Past the half hour: three workers race; the rule acts once.
    waited(&app, conversation, 25).await;
    let racers: Vec<_> = (0..3)
        .map(|_| {
            let (db, hub) = (app.state.db.clone(), app.state.hub.clone());
            tokio::spawn(async move { scan_once(&db, &hub).await.unwrap() })
        })
        .collect();
    let mut acted = 0;
    for racer in racers {
        acted += racer.await.unwrap();
    }
    acted += scan(&app).await;
    assert_eq!(acted, 1);
    assert_eq!(rule_lines(&app, conversation).await, 1);
    let (priority, notes): (i64, i64) = sqlx::query_as(
        "SELECT c.priority, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.private = 1 \
         AND m.body = 'Lleva media hora esperando') FROM conversations c WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(notes, 1);
    assert!(priority > 0, "urgent now");
    let rules: Vec<AutomationRule> = app.ok(&admin.cookie, "automation/list", json!({})).await;
    assert_eq!(rules[0].runs, 1);

    // The same wait again: nothing.
    assert_eq!(scan(&app).await, 0);

    // An agent answers; her next message is a new wait.
    let _: Value = app
        .ok(
            &admin.cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": "Sí, dime", "private": false, "idempotency_key": null, "mentions": []}),
        )
        .await;
    assert_eq!(scan(&app).await, 0, "answered: not waiting");
    let again = visitor_writes(&app, &token, Some(&first.visitor), "Sigo esperando").await;
    assert_eq!(
        app.conversation_of_message(again.message.id).await,
        conversation
    );
    waited(&app, conversation, 31).await;
    assert_eq!(scan(&app).await, 1);
    assert_eq!(rule_lines(&app, conversation).await, 2);

    // A conversation the conditions do not hold for (another channel) is left alone:
    // the rule switched to email only acts on nothing here.
    let mut input = json!({"name": "Sin respuesta", "event_name": "no_reply", "no_reply_minutes": 30,
        "conditions": [{"attribute_key": "channel", "filter_operator": "equal_to", "values": ["email"]}],
        "actions": [{"action_name": "add_private_note", "action_params": ["x"]}]});
    input["active"] = json!(true);
    let _: AutomationRule = app
        .ok(
            &admin.cookie,
            "automation/save",
            json!({"id": saved.id, "rule": input}),
        )
        .await;
    let third = visitor_writes(&app, &token, None, "Hola").await;
    let other = app.conversation_of_message(third.message.id).await;
    waited(&app, other, 45).await;
    assert_eq!(scan(&app).await, 0);
    assert_eq!(rule_lines(&app, other).await, 0);
    assert_eq!(
        rule_lines(&app, before).await,
        0,
        "waited before the rule existed"
    );

    // Switched off through the switch (nothing else changes) and on again.
    let off: AutomationRule = app
        .ok(
            &admin.cookie,
            "automation/switch",
            json!({"id": saved.id, "active": false}),
        )
        .await;
    assert!(!off.active);
    assert_eq!(off.actions.len(), 1, "the rest is kept");
    let on: AutomationRule = app
        .ok(
            &admin.cookie,
            "automation/switch",
            json!({"id": saved.id, "active": true}),
        )
        .await;
    assert!(on.active);
}
