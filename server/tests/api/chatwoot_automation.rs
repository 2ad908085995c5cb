//! Chatwoot's `/automation_rules` (issue 32), on both databases: an administrator's
//! token lists, creates, reads, changes (PATCH keeps what it does not send) and
//! deletes rules in Chatwoot's JSON; a bad rule is refused naming its part and changes
//! nothing; an agent's token is refused; the page's rules are the API's.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::chatwoot::api;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(rules_through_chatwoots_api);

async fn rules_through_chatwoots_api(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let (status, list) = api(
        &app,
        Some(&admin),
        Method::GET,
        &at("/automation_rules"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list, json!({"payload": []}));

    // As Chatwoot's own dashboard sends it (query_operator "nil" on the last).
    let body = json!({"name": "Ayuda", "description": "Lo que pide ayuda", "event_name": "message_created",
        "active": true,
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "query_operator": "nil", "values": ["ayuda"]}],
        "actions": [{"action_name": "change_priority", "action_params": ["high"]}]});
    let (status, created) = api(
        &app,
        Some(&admin),
        Method::POST,
        &at("/automation_rules"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["account_id"], account);
    assert_eq!(created["name"], "Ayuda");
    assert_eq!(created["event_name"], "message_created");
    assert_eq!(created["active"], true);
    assert_eq!(created["conditions"][0]["values"], json!(["ayuda"]));
    assert_eq!(created["actions"][0]["action_name"], "change_priority");
    assert!(
        created["created_on"].as_i64().unwrap() > 1_600_000_000,
        "Unix seconds"
    );

    // PATCH: only what it sends changes.
    let (status, changed) = api(
        &app,
        Some(&admin),
        Method::PATCH,
        &at(&format!("/automation_rules/{id}")),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["active"], false);
    assert_eq!(changed["name"], "Ayuda");
    assert_eq!(changed["conditions"], created["conditions"]);
    let (_, read) = api(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/automation_rules/{id}")),
        None,
    )
    .await;
    assert_eq!(read, changed);

    // Bad rules: refused, naming the part; nothing changes.
    for (bad, part) in [
        (
            json!({"name": "X", "event_name": "message_created", "actions": [{"action_name": "fly_away"}]}),
            "actions",
        ),
        (
            json!({"name": "X", "event_name": "teleported", "actions": [{"action_name": "resolve_conversation"}]}),
            "event_name",
        ),
        (
            json!({"name": "X", "actions": [{"action_name": "resolve_conversation"}]}),
            "event_name",
        ),
        (
            json!({"name": "X", "event_name": "message_created", "conditions": "no",
            "actions": [{"action_name": "resolve_conversation"}]}),
            "conditions",
        ),
        (
            json!({"name": "X", "event_name": "message_created",
            "actions": [{"action_name": "add_label", "action_params": ["no-existe"]}]}),
            "actions",
        ),
    ] {
        let (status, refusal) = api(
            &app,
            Some(&admin),
            Method::POST,
            &at("/automation_rules"),
            Some(bad.clone()),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad} → {refusal}"
        );
        assert!(refusal.to_string().contains(part), "{bad} → {refusal}");
    }
    let (_, list) = api(
        &app,
        Some(&admin),
        Method::GET,
        &at("/automation_rules"),
        None,
    )
    .await;
    assert_eq!(list["payload"].as_array().unwrap().len(), 1);

    // The page's list is the same rule.
    let admin_session = app.sign_in(ADMIN).await;
    let rules: Vec<app::automation::AutomationRule> = app
        .ok(&admin_session.cookie, "automation/list", json!({}))
        .await;
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].id, id);
    assert!(!rules[0].active);

    // Agents may not.
    for (method, path) in [
        (Method::GET, at("/automation_rules")),
        (Method::DELETE, at(&format!("/automation_rules/{id}"))),
    ] {
        let (status, _) = api(&app, Some(&lucia), method, &path, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = api(
        &app,
        Some(&admin),
        Method::DELETE,
        &at(&format!("/automation_rules/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/automation_rules/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
