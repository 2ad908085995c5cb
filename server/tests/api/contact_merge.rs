//! Chatwoot's `contact_merge` and a conversation's `update_last_seen`/`unread`, on both
//! databases: the mergee's conversations, identities, labels, custom attribute values
//! and the email or phone the base lacked move to the base in one go and the mergee is
//! gone; a contact merged with itself, or an unknown one, changes nothing. Reading a
//! conversation through the API marks it read for the caller, `unread` marks it back.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(contacts_merge_and_conversations_are_read);

async fn contacts_merge_and_conversations_are_read(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    let _: Value = app
        .ok(
            &admin.cookie,
            "labels/save",
            json!({"id": null, "name": "vip", "color": "#2ca02c"}),
        )
        .await;
    let send = |method: Method, path: String, body: Option<Value>| {
        let (app, token) = (&app, lucia.clone());
        async move { call(app, Some(&token), method, &path, body).await }
    };
    let (status, base) = send(
        Method::POST,
        at("/contacts"),
        Some(json!({"name": "Ana Base", "email": "ana.base@example.org"})),
    )
    .await;
    assert_eq!(status, 200, "{base}");
    let base = base["payload"]["contact"]["id"].as_i64().unwrap();
    let (status, mergee) = send(
        Method::POST,
        at("/contacts"),
        Some(json!({"name": "Ana Otra", "phone_number": "+34600111222",
                    "custom_attributes": {"pedido": "A-17"}})),
    )
    .await;
    assert_eq!(status, 200, "{mergee}");
    let mergee = mergee["payload"]["contact"]["id"].as_i64().unwrap();
    let (status, _) = send(
        Method::POST,
        at(&format!("/contacts/{mergee}/labels")),
        Some(json!({"labels": ["vip"]})),
    )
    .await;
    assert_eq!(status, 200);
    // A conversation of the mergee's, moved with her.
    let seeded: i64 = sqlx::query_scalar("SELECT MIN(id) FROM conversations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE conversations SET contact_id = $1 WHERE id = $2")
        .bind(mergee)
        .bind(seeded)
        .execute(&app.state.db.pool)
        .await
        .unwrap();

    let merge = |body: Value| send(Method::POST, at("/actions/contact_merge"), Some(body));
    let (status, same) = merge(json!({"base_contact_id": base, "mergee_contact_id": base})).await;
    assert_eq!(status, 422, "{same}");
    let (status, _) = merge(json!({"base_contact_id": base, "mergee_contact_id": 999_999})).await;
    assert_eq!(status, 404);
    let (status, missing) = merge(json!({"base_contact_id": base})).await;
    assert_eq!(status, 422, "{missing}");
    assert_eq!(missing["attributes"], json!(["mergee_contact_id"]));
    let (status, merged) =
        merge(json!({"base_contact_id": base, "mergee_contact_id": mergee})).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["id"], base);
    assert_eq!(merged["email"], "ana.base@example.org");
    assert_eq!(
        merged["phone_number"], "+34600111222",
        "the phone she lacked"
    );
    assert_eq!(merged["custom_attributes"]["pedido"], "A-17");
    let (status, _) = send(Method::GET, at(&format!("/contacts/{mergee}")), None).await;
    assert_eq!(status, 404, "the mergee is gone");
    let (_, labels) = send(Method::GET, at(&format!("/contacts/{base}/labels")), None).await;
    assert_eq!(labels["payload"], json!(["vip"]));
    let owner: i64 = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(seeded)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(owner, base, "her conversation moved");

    // Read and unread through the API.
    let lucia_id = app.agent_id(LUCIA).await;
    let (conversation, number): (i64, i64) = sqlx::query_as(
        "SELECT c.id, c.display_id FROM conversations c JOIN inbox_members m ON m.inbox_id = c.inbox_id \
         WHERE m.agent_id = $1 ORDER BY c.id LIMIT 1",
    )
    .bind(lucia_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let marked = || async {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT last_read_at, marked_unread FROM conversation_reads WHERE conversation_id = $1 AND agent_id = $2",
        )
        .bind(conversation)
        .bind(lucia_id)
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap();
        row
    };
    let (status, _) = send(
        Method::POST,
        at(&format!("/conversations/{number}/unread")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(marked().await.map(|(_, unread)| unread), Some(1));
    let (status, _) = send(
        Method::POST,
        at(&format!("/conversations/{number}/update_last_seen")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (read_at, unread) = marked().await.unwrap();
    assert!(read_at > 0 && unread == 0, "read now: {read_at} {unread}");
    let (status, _) = send(
        Method::POST,
        at("/conversations/999999/update_last_seen"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}
