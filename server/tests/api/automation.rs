//! Automation rules at rest (issue 32), on both databases: an administrator saves a
//! rule in Chatwoot's shape and reads it back in run order; a bad rule (an unknown
//! attribute or action, a label, team or agent that is not this account's) is refused
//! naming its part and changes nothing; agents may not manage rules; another
//! account's rule is not found.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::automation::AutomationRule;

on_both_backends!(rules_are_kept_in_order_and_bad_ones_refused);

async fn save(app: &TestApp, cookie: &str, id: Option<i64>, rule: Value) -> (u16, Value) {
    let res = app
        .call_json(
            Some(cookie),
            "automation/save",
            json!({"id": id, "rule": rule}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn invoices(team: i64) -> Value {
    json!({"name": "Facturas", "description": "A Cobros lo que hable de facturas",
    "event_name": "message_created",
    "conditions": [{"attribute_key": "content", "filter_operator": "contains",
        "values": ["factura"], "query_operator": null}],
    "actions": [
        {"action_name": "add_label", "action_params": ["facturación"]},
        {"action_name": "assign_team", "action_params": [team]},
        {"action_name": "change_priority", "action_params": ["high"]}
    ]})
}

async fn rules_are_kept_in_order_and_bad_ones_refused(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let _: Value = app
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
    let team = team["id"].as_i64().unwrap();

    let (status, first) = save(&app, &admin.cookie, None, invoices(team)).await;
    assert_eq!(status, 200, "{first}");
    let first: AutomationRule = serde_json::from_value(first).unwrap();
    assert!(first.active, "on unless said otherwise");
    assert_eq!(first.runs, 0);
    let night = json!({"name": "Noche", "event_name": "conversation_created",
        "conditions": [{"attribute_key": "business_hours", "filter_operator": "equal_to", "values": ["closed"]}],
        "actions": [{"action_name": "add_private_note", "action_params": ["Llegó fuera de horario"]}],
        "active": false});
    let (status, second) = save(&app, &admin.cookie, None, night).await;
    assert_eq!(status, 200, "{second}");

    let listed: Vec<AutomationRule> = app.ok(&admin.cookie, "automation/list", json!({})).await;
    let names: Vec<&str> = listed.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Facturas", "Noche"], "in the order they run");
    assert_eq!(listed[0].actions.len(), 3);
    assert_eq!(listed[0].conditions[0].attribute_key, "content");
    assert!(!listed[1].active);

    // Bad rules name their part and change nothing.
    let mut unknown_label = invoices(team);
    unknown_label["actions"][0]["action_params"] = json!(["no-existe"]);
    let mut other_team = invoices(team);
    other_team["actions"][1]["action_params"] = json!([team + 1000]);
    let mut bad_attribute = invoices(team);
    bad_attribute["conditions"][0]["attribute_key"] = json!("talla");
    let mut bad_action = invoices(team);
    bad_action["actions"][2]["action_name"] = json!("lanzar_cohete");
    let mut nameless = invoices(team);
    nameless["name"] = json!("  ");
    for (rule, field) in [
        (unknown_label, "actions"),
        (other_team, "actions"),
        (bad_attribute, "conditions"),
        (bad_action, "actions"),
        (nameless, "name"),
    ] {
        let (status, body) = save(&app, &admin.cookie, Some(first.id), rule).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    let kept: Vec<AutomationRule> = app.ok(&admin.cookie, "automation/list", json!({})).await;
    assert_eq!(kept, listed, "nothing changed");

    // Edited in place; removed.
    let mut renamed = invoices(team);
    renamed["name"] = json!("Facturas y cobros");
    let (status, body) = save(&app, &admin.cookie, Some(first.id), renamed).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["position"], json!(first.position), "keeps its place");
    let _: () = app
        .ok(&admin.cookie, "automation/remove", json!({"id": first.id}))
        .await;
    let left: Vec<AutomationRule> = app.ok(&admin.cookie, "automation/list", json!({})).await;
    assert_eq!(left.len(), 1);
    let res = app
        .call_json(
            Some(&admin.cookie),
            "automation/remove",
            json!({"id": first.id}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 404);

    // Agents may not manage rules.
    let lucia = app.sign_in(LUCIA).await;
    let (status, _) = save(&app, &lucia.cookie, None, invoices(team)).await;
    assert_eq!(status, 403);
    let res = app
        .call_json(Some(&lucia.cookie), "automation/list", json!({}))
        .await;
    assert_eq!(res.status().as_u16(), 403);
}
