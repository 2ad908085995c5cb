//! Automation rules at work (issue 32), on both databases: a visitor's "mi factura"
//! is routed by a rule (label, team, priority, agent) with one activity line naming
//! the rule; a message the conditions do not match is left alone; a rule that its
//! own actions would set off again is not (a skipped loop is counted); workers racing
//! each other (replicas) handle each event once; a change of priority is heard as
//! "conversation updated"; a rule whose label was deleted is switched off with the
//! reason instead of failing silently.
use serde_json::{json, Value};
use std::time::Duration;

use crate::helpers::*;
use crate::on_both_backends;
use app::automation::AutomationRule;
use app::widget::WidgetSent;

on_both_backends!(a_rule_routes_what_it_matches_once_and_never_loops);

pub(crate) async fn rule(app: &TestApp, cookie: &str, body: Value) -> AutomationRule {
    app.ok(cookie, "automation/save", json!({"id": null, "rule": body}))
        .await
}

pub(crate) async fn rules(app: &TestApp, cookie: &str) -> Vec<AutomationRule> {
    app.ok(cookie, "automation/list", json!({})).await
}

pub(crate) async fn visitor_writes(app: &TestApp, token: &str, body: &str) -> i64 {
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": body, "name": "Nerea", "email": null}),
        )
        .await;
    app.conversation_of_message(sent.message.id).await
}

/// Waits (up to 10 s, a guard rather than a timing) until the rules have read the
/// whole event log.
pub(crate) async fn settled(app: &TestApp) {
    for _ in 0..200 {
        let (cursor, newest): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT MAX(last_event_id) FROM automation_cursors), (SELECT MAX(id) FROM events)",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if cursor.is_some() && cursor >= newest {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the rules never caught up with the event log");
}

async fn conversation(app: &TestApp, id: i64) -> (Option<i64>, Option<i64>, i64, Vec<String>) {
    let (team, assignee, priority): (Option<i64>, Option<i64>, i64) =
        sqlx::query_as("SELECT team_id, assignee_id, priority FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT l.name FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id WHERE cl.conversation_id = $1",
    )
    .bind(id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    (team, assignee, priority, labels)
}

pub(crate) async fn lines(app: &TestApp, id: i64, like: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND content_attributes LIKE $2",
    )
    .bind(id)
    .bind(format!("%{like}%"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn a_rule_routes_what_it_matches_once_and_never_loops(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let label: Value = app
        .ok(
            &admin.cookie,
            "labels/save",
            json!({"id": null, "name": "facturación", "color": "#1f77b4"}),
        )
        .await;
    let team: Value = app
        .ok(
            &admin.cookie,
            "teams/save",
            json!({"id": null, "name": "Cobros", "description": ""}),
        )
        .await;
    let lucia = app.agent_id(LUCIA).await;
    let invoices = rule(&app, &admin.cookie, json!({"name": "Facturas", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["factura"]}],
        "actions": [
            {"action_name": "add_label", "action_params": ["facturación"]},
            {"action_name": "assign_team", "action_params": [team["id"]]},
            {"action_name": "change_priority", "action_params": ["high"]},
            {"action_name": "assign_agent", "action_params": [lucia]}
        ]})).await;
    // Set off by any change of hands: the first rule's assignment would, and must not.
    let echo = rule(&app, &admin.cookie, json!({"name": "Eco", "event_name": "conversation_updated",
        "conditions": [], "actions": [{"action_name": "add_private_note", "action_params": ["eco"]}]})).await;

    let token = app.web_chat_token().await;
    // Three more workers (as other replicas would run) race the server's own: each
    // event is still handled once.
    let racers: Vec<_> = (0..3)
        .map(|_| {
            let (db, hub) = (app.state.db.clone(), app.state.hub.clone());
            tokio::spawn(async move {
                for _ in 0..40 {
                    let _ = app::automation::ssr::engine::run_once(&db, &hub).await;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
        .collect();
    let routed = visitor_writes(&app, &token, "Hola, mi Factura de noviembre no llega").await;
    let untouched = visitor_writes(&app, &token, "¿Tenéis la talla 42?").await;
    for racer in racers {
        racer.await.unwrap();
    }
    settled(&app).await;

    let (team_id, assignee, priority, labels) = conversation(&app, routed).await;
    assert_eq!(team_id, team["id"].as_i64());
    assert_eq!(assignee, Some(lucia));
    assert_eq!(priority, app::domain::Priority::High.rank());
    assert_eq!(labels, ["facturación"]);
    assert_eq!(
        lines(&app, routed, "automation_ran").await,
        1,
        "one line for the run"
    );
    assert_eq!(lines(&app, routed, "Facturas").await, 1, "naming the rule");
    assert_eq!(
        conversation(&app, untouched).await,
        (None, None, 0, Vec::new()),
        "not matched: left alone"
    );
    let after = rules(&app, &admin.cookie).await;
    let by_id = |id: i64| after.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(by_id(invoices.id).runs, 1, "once for its one event");
    let echoed = by_id(echo.id);
    assert_eq!(echoed.runs, 0, "its own actions' events set off no rule");
    assert!(echoed.skipped_loops >= 1, "counted as a skipped loop");
    assert_eq!(lines(&app, routed, "Eco").await, 0);

    // An agent raising a conversation's priority is "conversation updated" too.
    let _: Value = app
        .ok(
            &admin.cookie,
            "conversations/priority",
            json!({"id": untouched, "priority": "urgent"}),
        )
        .await;
    settled(&app).await;
    assert_eq!(
        lines(&app, untouched, "Eco").await,
        1,
        "heard the priority change"
    );
    // So is a label put on (Chatwoot's `label_list` change).
    let _: Value = app
        .ok(
            &admin.cookie,
            "conversations/labels",
            json!({"id": untouched, "label_ids": [label["id"]]}),
        )
        .await;
    settled(&app).await;
    assert_eq!(
        lines(&app, untouched, "Eco").await,
        2,
        "heard the label put on"
    );

    // The label goes: the rule is switched off with the reason, nothing half done.
    let _: () = app
        .ok(&admin.cookie, "labels/remove", json!({"id": label["id"]}))
        .await;
    let later = visitor_writes(&app, &token, "Otra factura").await;
    settled(&app).await;
    assert_eq!(conversation(&app, later).await, (None, None, 0, Vec::new()));
    let off = rules(&app, &admin.cookie)
        .await
        .into_iter()
        .find(|r| r.id == invoices.id)
        .unwrap();
    assert!(!off.active);
    assert!(
        off.disabled_reason
            .as_deref()
            .unwrap_or("")
            .contains("facturación"),
        "{:?}",
        off.disabled_reason
    );
}
