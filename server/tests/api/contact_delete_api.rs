//! `DELETE …/contacts/{id}` through the Chatwoot API (issue 30), on both databases: an
//! agent's token is refused and changes nothing; an administrator's deletes the contact
//! with her conversations and messages, as the contact page does (S13); a contact of
//! no one, or already gone, is a 404.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(administrators_delete_contacts_through_the_api);

async fn counts(app: &TestApp, contact: i64) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM contacts WHERE id = $1), \
         (SELECT COUNT(*) FROM conversations WHERE contact_id = $1), \
         (SELECT COUNT(*) FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE contact_id = $1))",
    )
    .bind(contact)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn administrators_delete_contacts_through_the_api(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    // A seeded customer with a conversation and messages.
    let contact: i64 =
        sqlx::query_scalar("SELECT contact_id FROM conversations ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let before = counts(&app, contact).await;
    assert!(before.0 == 1 && before.1 > 0 && before.2 > 0, "{before:?}");

    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::DELETE,
        &at(&format!("/contacts/{contact}")),
        None,
    )
    .await;
    assert_eq!(status, 403, "agents do not delete contacts");
    assert_eq!(counts(&app, contact).await, before);

    let (status, body): (_, Value) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &at(&format!("/contacts/{contact}")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(counts(&app, contact).await, (0, 0, 0));
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/contacts/{contact}")),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &at(&format!("/contacts/{contact}")),
        None,
    )
    .await;
    assert_eq!(status, 404, "already gone");
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &at("/contacts/999999"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);
}
