//! Chatwoot's `/macros` (issue 32), on both databases: an agent's token creates,
//! lists, reads, changes (PATCH keeps what it does not send), executes on
//! conversations and deletes her macros in Chatwoot's JSON; another agent does not see
//! a personal one; executing on a conversation she cannot see runs on none.
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::chatwoot::api;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(macros_through_chatwoots_api);

async fn first_open(app: &TestApp, channel: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = $1 AND c.status <> 'resolved' ORDER BY c.id LIMIT 1",
    )
    .bind(channel)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn priority_of(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT priority FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn macros_through_chatwoots_api(app: TestApp) {
    let lucia = app.api_token(LUCIA).await;
    let marcos = app.api_token(MARCOS).await;
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");

    let body = json!({"name": "Urgente", "visibility": "personal",
        "actions": [{"action_name": "change_priority", "action_params": ["urgent"]}]});
    let (status, created) = api(&app, Some(&lucia), Method::POST, &at("/macros"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["account_id"], account);
    assert_eq!(created["visibility"], "personal");
    assert_eq!(created["actions"][0]["action_name"], "change_priority");
    assert_eq!(created["created_by_id"], app.agent_id(LUCIA).await);

    let (status, list) = api(&app, Some(&lucia), Method::GET, &at("/macros"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["payload"][0]["name"], "Urgente");
    // Another agent does not see a personal macro.
    let (_, theirs) = api(&app, Some(&marcos), Method::GET, &at("/macros"), None).await;
    assert_eq!(theirs, json!({"payload": []}));
    let (status, _) = api(
        &app,
        Some(&marcos),
        Method::GET,
        &at(&format!("/macros/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // PATCH: only what it sends changes; a bad action is refused, naming its part.
    let (status, changed) = api(
        &app,
        Some(&lucia),
        Method::PATCH,
        &at(&format!("/macros/{id}")),
        Some(json!({"name": "Muy urgente"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "Muy urgente");
    assert_eq!(changed["actions"][0]["action_params"], json!(["urgent"]));
    let (status, refused) = api(
        &app,
        Some(&lucia),
        Method::PATCH,
        &at(&format!("/macros/{id}")),
        Some(json!({"actions": [{"action_name": "launch_rocket"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, kept) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at(&format!("/macros/{id}")),
        None,
    )
    .await;
    assert_eq!(kept["actions"][0]["action_name"], "change_priority");

    // Execute: on a conversation she cannot see (the email inbox is Marcos's), on none.
    let chat = first_open(&app, "web_chat").await;
    let hidden = first_open(&app, "email").await;
    let before = (
        priority_of(&app, chat).await,
        priority_of(&app, hidden).await,
    );
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at(&format!("/macros/{id}/execute")),
        Some(json!({"conversation_ids": [chat, hidden]})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        (
            priority_of(&app, chat).await,
            priority_of(&app, hidden).await
        ),
        before
    );
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at(&format!("/macros/{id}/execute")),
        Some(json!({"conversation_ids": [chat]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(priority_of(&app, chat).await, 4, "urgent");

    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::DELETE,
        &at(&format!("/macros/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at(&format!("/macros/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
