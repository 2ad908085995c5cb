//! Trying a rule and ordering rules (issue 32), on both databases: "what would it
//! have done" over the latest conversations finds those the conditions hold for
//! (the customer's latest message for "message received"), changes nothing and runs
//! nothing; a bad rule is refused as saving would; moving a rule up or down trades
//! places with its neighbour (the ends stay put) and the engine follows the new order.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::automation::model::Trial;
use app::automation::AutomationRule;
use app::widget::WidgetSent;

on_both_backends!(a_rule_is_tried_without_acting_and_rules_move);

async fn visitor_writes(app: &TestApp, token: &str, name: &str, body: &str) -> i64 {
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": body, "name": name, "email": null}),
        )
        .await;
    app.conversation_of_message(sent.message.id).await
}

fn rule(name: &str, word: &str) -> Value {
    json!({"name": name, "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": [word]}],
        "actions": [{"action_name": "change_priority", "action_params": ["high"]}]})
}

async fn names(app: &TestApp, cookie: &str) -> Vec<String> {
    let rules: Vec<AutomationRule> = app.ok(cookie, "automation/list", json!({})).await;
    rules.into_iter().map(|r| r.name).collect()
}

async fn a_rule_is_tried_without_acting_and_rules_move(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let token = app.web_chat_token().await;
    let invoice = visitor_writes(&app, &token, "Irene", "Hola, mi FACTURA de marzo").await;
    let other = visitor_writes(&app, &token, "Óscar", "¿Abrís el sábado?").await;

    // Tried before any rule exists: nothing is saved, nothing runs.
    let trial: Trial = app
        .ok(
            &admin.cookie,
            "automation/try",
            json!({"rule": rule("Facturas", "factura")}),
        )
        .await;
    assert!(trial.considered >= 2, "{trial:?}");
    assert!(trial.considered <= 50);
    let found: Vec<i64> = trial.matched.iter().map(|m| m.conversation_id).collect();
    assert!(found.contains(&invoice), "{trial:?}");
    assert!(!found.contains(&other), "{trial:?}");
    let hit = trial
        .matched
        .iter()
        .find(|m| m.conversation_id == invoice)
        .unwrap();
    assert_eq!(hit.contact_name, "Irene");
    assert_eq!(hit.preview.as_deref(), Some("Hola, mi FACTURA de marzo"));
    assert!(
        names(&app, &admin.cookie).await.is_empty(),
        "a trial saves nothing"
    );
    let priority: i64 = sqlx::query_scalar("SELECT priority FROM conversations WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(priority, 0, "a trial acts on nothing");

    // A resolved-event trial sees the conversation as resolved; a status condition
    // on "open" then holds for none.
    let resolved: Trial = app
        .ok(
            &admin.cookie,
            "automation/try",
            json!({"rule": {"name": "Al resolver", "event_name": "conversation_resolved",
                "conditions": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}],
                "actions": [{"action_name": "add_private_note", "action_params": ["x"]}]}}),
        )
        .await;
    assert!(resolved.matched.is_empty(), "{resolved:?}");

    // A bad rule is refused as saving would refuse it.
    let res = app
        .call_json(
            Some(&admin.cookie),
            "automation/try",
            json!({"rule": {"name": "", "event_name": "message_created", "actions": []}}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let agent = app.sign_in(LUCIA).await;
    let res = app
        .call_json(
            Some(&agent.cookie),
            "automation/try",
            json!({"rule": rule("Facturas", "factura")}),
        )
        .await;
    assert_eq!(res.status(), 403);

    // Order: three rules, moved about.
    let mut ids = Vec::new();
    for name in ["Primera", "Segunda", "Tercera"] {
        let saved: AutomationRule = app
            .ok(
                &admin.cookie,
                "automation/save",
                json!({"id": null, "rule": rule(name, "nada-que-casar")}),
            )
            .await;
        ids.push(saved.id);
    }
    let moved: Vec<AutomationRule> = app
        .ok(
            &admin.cookie,
            "automation/move",
            json!({"id": ids[2], "up": true}),
        )
        .await;
    let order: Vec<&str> = moved.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(order, ["Primera", "Tercera", "Segunda"]);
    let _: Vec<AutomationRule> = app
        .ok(
            &admin.cookie,
            "automation/move",
            json!({"id": ids[0], "up": true}),
        )
        .await;
    let _: Vec<AutomationRule> = app
        .ok(
            &admin.cookie,
            "automation/move",
            json!({"id": ids[1], "up": false}),
        )
        .await;
    assert_eq!(
        names(&app, &admin.cookie).await,
        ["Primera", "Tercera", "Segunda"],
        "the first cannot go up nor the last down"
    );
    let _: Vec<AutomationRule> = app
        .ok(
            &admin.cookie,
            "automation/move",
            json!({"id": ids[0], "up": false}),
        )
        .await;
    assert_eq!(
        names(&app, &admin.cookie).await,
        ["Tercera", "Primera", "Segunda"]
    );
    let res = app
        .call_json(
            Some(&admin.cookie),
            "automation/move",
            json!({"id": ids[0] + 10_000, "up": true}),
        )
        .await;
    assert_eq!(res.status(), 404);
}
