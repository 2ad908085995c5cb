//! Chatwoot's `POST …/conversations/{id}/toggle_typing_status` (issue 30), on both
//! databases: an agent's (or an integration's, with her token) "writing" reaches
//! `conversation_typing_on`/`off` webhooks as her composer's does; `recording` counts
//! as writing; anything else is a 422.
use reqwest::Method;
use serde_json::json;

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;
use crate::webhooks::{start_receiver, wait_for};

on_both_backends!(an_agent_typing_through_the_api_is_told);

async fn an_agent_typing_through_the_api_is_told(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let (url, receiver) = start_receiver(0).await;
    let (status, made) = call(&app, Some(&admin), Method::POST, &at("/webhooks"), Some(json!({"webhook": {"url": url, "subscriptions": ["conversation_typing_on", "conversation_typing_off"], "include_private": true}}))).await;
    assert_eq!(status, 200, "{made}");
    let typing = at("/conversations/1/toggle_typing_status");

    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &typing,
        Some(json!({"typing_status": "on"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, on) = wait_for(&receiver, 0, |b| b["event"] == "conversation_typing_on").await;
    assert_eq!(on["user"]["type"], "user");
    assert_eq!(on["user"]["id"], app.agent_id(LUCIA).await);
    assert_eq!(
        (&on["conversation"]["id"], &on["is_private"]),
        (&json!(1), &json!(false))
    );
    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &typing,
        Some(json!({"typing_status": "off"})),
    )
    .await;
    assert_eq!(status, 200);
    wait_for(&receiver, 0, |b| b["event"] == "conversation_typing_off").await;

    // A note being written: told as private.
    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &typing,
        Some(json!({"typing_status": "recording", "is_private": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, note) = wait_for(&receiver, 0, |b| {
        b["event"] == "conversation_typing_on" && b["is_private"] == true
    })
    .await;
    assert_eq!(note["conversation"]["id"], 1);

    let (status, refused) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &typing,
        Some(json!({"typing_status": "maybe"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/999999/toggle_typing_status"),
        Some(json!({"typing_status": "on"})),
    )
    .await;
    assert_eq!(status, 404);
}
