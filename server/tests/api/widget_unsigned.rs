//! A host page's user without `identifier_hash` (Chatwoot's `setUser` on an inbox
//! without identity validation): her name and email are what the visitor says about
//! herself, as the pre-chat form's are — the contact's name and a claimed email, never
//! joining another contact, never renaming a verified one.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    an_unsigned_user_names_the_visitor_without_joining_anyone,
    an_unsigned_user_never_renames_a_verified_customer
);

async fn contact_of(app: &TestApp, message: i64) -> (i64, String, Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT ct.id, ct.name, ct.email, ct.claimed_email FROM contacts ct \
         JOIN conversations c ON c.contact_id = ct.id WHERE c.id = $1",
    )
    .bind(app.conversation_of_message(message).await)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn an_unsigned_user_names_the_visitor_without_joining_anyone(app: TestApp) {
    let token = app.web_chat_token().await;
    // A customer the email channel knows, with the address the page will claim.
    let known: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
         VALUES ($1, 'Carla Real', 'carla@example.com', 'carla real carla@example.com', 'carla real', 1, 1, 1) RETURNING id",
    )
    .bind(app.account_id().await)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let user =
        |name: &str| json!({"identifier": "cliente-7", "email": "carla@example.com", "name": name});

    let opened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": null, "user": user("Carla")}),
        )
        .await;
    assert!(!opened.verified, "no hash, nothing verified");
    assert!(!opened.identified);

    let first: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola", "name": null, "email": null, "user": user("Carla")}))
        .await;
    let (contact, name, email, claimed) = contact_of(&app, first.message.id).await;
    assert_ne!(contact, known, "a claimed email joins no one");
    assert_eq!(name, "Carla");
    assert_eq!(email, None);
    assert_eq!(claimed.as_deref(), Some("carla@example.com"));

    // The page names her anew (she changed her profile on the site): her contact follows
    // with her next message, in the same conversation.
    let second: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": first.visitor, "body": "Soy yo otra vez", "name": null, "email": null, "user": user("Carla Zubizarreta")}))
        .await;
    assert_eq!(second.visitor, first.visitor);
    assert_eq!(
        app.conversation_of_message(second.message.id).await,
        app.conversation_of_message(first.message.id).await
    );
    let (again, name, _, _) = contact_of(&app, second.message.id).await;
    assert_eq!(again, contact);
    assert_eq!(name, "Carla Zubizarreta");

    // What she types in the form wins over what the page says; a bad email from the page
    // is left out rather than refusing her message.
    let typed: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Otra persona", "name": "Eva", "email": null,
            "user": {"identifier": "x", "email": "no es un email", "name": "Página"}}))
        .await;
    let (_, name, _, claimed) = contact_of(&app, typed.message.id).await;
    assert_eq!(name, "Eva");
    assert_eq!(claimed, None);
}

async fn an_unsigned_user_never_renames_a_verified_customer(app: TestApp) {
    use app::widget::ssr::identity::identifier_hash;
    let token = app.web_chat_token().await;
    let secret = crate::widget::identity_secret(&app, &token, false).await;
    let signed = json!({"identifier": "socia-1", "identifier_hash": identifier_hash(&secret, "socia-1"), "name": "Socia"});
    let first: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Firmada", "name": null, "email": null, "user": signed}))
        .await;
    // The same browser's token, now with a page that names someone else unsigned.
    let second: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": first.visitor, "body": "Sin firma", "name": null, "email": null,
            "user": {"identifier": "socia-1", "name": "Impostora", "email": "otra@example.com"}}))
        .await;
    let (contact, name, _, claimed) = contact_of(&app, second.message.id).await;
    assert_eq!(contact, contact_of(&app, first.message.id).await.0);
    assert_eq!(name, "Socia");
    assert_eq!(claimed, None);
}
