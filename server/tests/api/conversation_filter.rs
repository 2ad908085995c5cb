//! Chatwoot's `POST …/conversations/filter` (issue 30), on both databases: status,
//! inbox, priority and label conditions joined with `and`/`or`, only what the caller
//! may see, counts of everything that passes, pages of 25; what the filter cannot read
//! is a 422 and answers nothing.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(integrations_filter_conversations);

async fn count(app: &TestApp, sql: &str, bind: Option<i64>) -> i64 {
    let mut query = sqlx::query_scalar(sql);
    if let Some(bind) = bind {
        query = query.bind(bind);
    }
    query.fetch_one(&app.state.db.pool).await.unwrap()
}

fn numbers(found: &Value) -> Vec<i64> {
    found["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

async fn integrations_filter_conversations(app: TestApp) {
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let marcos = app.api_token(MARCOS).await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let filter = |token: String, payload: Value, page: i64| {
        let (app, path) = (&app, at(&format!("/conversations/filter?page={page}")));
        async move {
            call(
                app,
                Some(&token),
                Method::POST,
                &path,
                Some(json!({"payload": payload})),
            )
            .await
        }
    };

    // Everything, as an administrator: the counts are the account's.
    let every =
        json!([{"attribute_key": "status", "filter_operator": "equal_to", "values": ["all"]}]);
    let (status, found) = filter(admin.clone(), every.clone(), 1).await;
    assert_eq!(status, 200, "{found}");
    let total = count(&app, "SELECT COUNT(*) FROM conversations", None).await;
    assert_eq!(found["meta"]["all_count"], total);
    let unassigned = count(
        &app,
        "SELECT COUNT(*) FROM conversations WHERE assignee_id IS NULL",
        None,
    )
    .await;
    assert_eq!(found["meta"]["unassigned_count"], unassigned);
    assert_eq!(numbers(&found).len() as i64, total.min(25));
    // The latest activity first.
    let activity: Vec<i64> = found["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_activity_at"].as_i64().unwrap())
        .collect();
    assert!(activity.windows(2).all(|w| w[0] >= w[1]), "{activity:?}");

    // A second page: 26 WhatsApp customers more, in one delivery.
    let fake = crate::fake_graph::FakeGraph::start().await;
    let whatsapp = crate::whatsapp::configure(&app, &fake).await;
    let now = crate::whatsapp::now_secs();
    let messages = (0..26)
        .map(|n| {
            let mut m = crate::whatsapp::text(&format!("wamid.cf{n}"), "Hola", now);
            m["from"] = json!(format!("3461100{n:04}"));
            m
        })
        .collect();
    let delivered =
        crate::whatsapp::post_signed(&app, whatsapp, &crate::whatsapp::delivery(messages, vec![]))
            .await;
    assert_eq!(delivered, 200);
    let total = total + 26;
    let web_chat: i64 = count(
        &app,
        "SELECT MIN(id) FROM inboxes WHERE channel_kind = 'web_chat'",
        None,
    )
    .await;
    let (_, first) = filter(admin.clone(), every.clone(), 1).await;
    let (_, second) = filter(admin.clone(), every.clone(), 2).await;
    let (a, b) = (numbers(&first), numbers(&second));
    assert!(b.iter().all(|n| !a.contains(n)), "{a:?} {b:?}");
    assert_eq!((a.len() + b.len()) as i64, total.min(50));
    assert_eq!(second["meta"]["all_count"], total);

    // Conditions, as a saved folder writes them: open ones of the web chat, or urgent ones.
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!(
            "/conversations/{}/toggle_priority",
            b.first().or(a.last()).unwrap()
        )),
        Some(json!({"priority": "urgent"})),
    )
    .await;
    assert_eq!(status, 200);
    let urgent = *b.first().or(a.last()).unwrap();
    let payload = json!([
        {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": "and"},
        {"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": [web_chat], "query_operator": "or"},
        {"attribute_key": "priority", "filter_operator": "equal_to", "values": ["urgent"]}
    ]);
    let (status, found) = filter(admin.clone(), payload, 1).await;
    assert_eq!(status, 200, "{found}");
    let expected = count(
        &app,
        "SELECT COUNT(*) FROM conversations WHERE (status = 'open' AND inbox_id = $1) OR priority = 4",
        Some(web_chat),
    )
    .await;
    assert_eq!(found["meta"]["all_count"], expected);
    for conversation in found["payload"].as_array().unwrap() {
        let open_web = conversation["status"] == "open" && conversation["inbox_id"] == web_chat;
        assert!(
            open_web || conversation["priority"] == "urgent",
            "{conversation}"
        );
    }
    assert!(numbers(&found).contains(&urgent) || expected > 25);

    // Labels by title, any case.
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/labels"),
        Some(json!({"label": {"title": "filtrada", "color": "#123456"}})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{urgent}/labels")),
        Some(json!({"labels": ["filtrada"]})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, found) = filter(
        admin.clone(),
        json!([{"attribute_key": "labels", "filter_operator": "equal_to", "values": ["FILTRADA"]}]),
        1,
    )
    .await;
    assert_eq!(numbers(&found), vec![urgent]);

    // Only what the caller may see: Marcos's inboxes.
    let (status, found) = filter(marcos.clone(), every.clone(), 1).await;
    assert_eq!(status, 200);
    let marcos_id = app.agent_id(MARCOS).await;
    let visible = count(
        &app,
        "SELECT COUNT(*) FROM conversations WHERE inbox_id IN \
         (SELECT inbox_id FROM inbox_members WHERE agent_id = $1)",
        Some(marcos_id),
    )
    .await;
    assert_eq!(found["meta"]["all_count"], visible);
    assert!(
        visible < total,
        "the seed gives Marcos fewer inboxes than the account has"
    );

    // What it cannot read: a 422 naming the field.
    for payload in [
        json!([]),
        json!([{"attribute_key": "browser_language", "filter_operator": "equal_to", "values": ["es"]}]),
        json!([{"attribute_key": "status", "filter_operator": "equal_to", "values": ["closed"]}]),
    ] {
        let (status, body) = filter(admin.clone(), payload.clone(), 1).await;
        assert_eq!(status, 422, "{payload}: {body}");
    }
}
