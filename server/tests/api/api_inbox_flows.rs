//! API inboxes, continued (issue 30), on both databases: identity verification on the
//! Client API (`identifier_hash`, and the inbox that requires it), and the Application
//! API's side of an API inbox as integrations use it (`contact_inbox`, conversations
//! opened with a `source_id`).
use reqwest::Method;
use serde_json::json;

use crate::client_api::{api_inbox, call};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_verified_identity_joins_her_contact_everywhere,
    an_integration_opens_conversations_for_its_contacts,
);

/// `identifier` + `identifier_hash` (HMAC-SHA256 under the inbox's identity secret):
/// the same customer from two devices is one contact with all her conversations; a
/// wrong hash is refused and makes nothing; an identifier without a hash is ignored.
async fn a_verified_identity_joins_her_contact_everywhere(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let (inbox, base) = api_inbox(&app, &admin, "").await;
    let signed = app.sign_in(ADMIN).await;
    let secret: String = app
        .ok(
            &signed.cookie,
            "team/web_chat_identity_secret",
            json!({"id": inbox["id"], "regenerate": false}),
        )
        .await;
    let hash = app::widget::ssr::identity::identifier_hash(&secret, "cliente-42");
    let body = json!({"identifier": "cliente-42", "identifier_hash": hash, "name": "Lola", "email": "lola@example.com"});
    let (status, first) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let (_, second) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(body),
    )
    .await;
    assert_eq!(second["id"], first["id"], "one contact");
    assert_ne!(
        second["source_id"], first["source_id"],
        "each device its own identifier"
    );
    let one = format!("{base}/contacts/{}", first["source_id"].as_str().unwrap());
    let two = format!("{base}/contacts/{}", second["source_id"].as_str().unwrap());
    let (_, opened) = call(
        &app,
        None,
        Method::POST,
        &format!("{one}/conversations"),
        None,
    )
    .await;
    let (_, seen) = call(
        &app,
        None,
        Method::GET,
        &format!("{two}/conversations"),
        None,
    )
    .await;
    assert_eq!(
        seen[0]["id"], opened["id"],
        "her conversation from the other device"
    );

    let contacts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM contacts")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let before = contacts().await;
    let (status, refused) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"identifier": "cliente-42", "identifier_hash": "00ff"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &refused["attributes"]),
        (422, &json!(["identifier_hash"]))
    );
    assert_eq!(contacts().await, before);
    let (status, anonymous) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"identifier": "cliente-42"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(
        anonymous["id"], first["id"],
        "an unproven identifier joins nothing"
    );

    // With identity required, only a proven customer is made.
    let account = app.account_id().await;
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::PATCH,
        &format!("/api/v1/accounts/{account}/inboxes/{}", inbox["id"]),
        Some(json!({"channel": {"hmac_mandatory": true}})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, public) = call(&app, None, Method::GET, &base, None).await;
    assert_eq!(public["identity_validation_enabled"], true);
    let before = contacts().await;
    let (status, refused) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Sin prueba"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &refused["attributes"]),
        (422, &json!(["identifier_hash"]))
    );
    assert_eq!(contacts().await, before);
    let hash = app::widget::ssr::identity::identifier_hash(&secret, "cliente-43");
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"identifier": "cliente-43", "identifier_hash": hash, "email": "c43@example.com"})),
    )
    .await;
    assert_eq!(status, 200);
}

/// The Application API side of an API inbox, as integrations use it: a contact made
/// with the inbox's id gets a `source_id`; a conversation opened with it (and a first
/// message) is the one the Client API shows that contact.
async fn an_integration_opens_conversations_for_its_contacts(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let (inbox, base) = api_inbox(&app, &admin, "").await;
    let (status, made) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/contacts"),
        Some(
            json!({"name": "Pedro CRM", "email": "pedro.crm@example.com", "inbox_id": inbox["id"]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let contact_id = made["payload"]["contact"]["id"].as_i64().unwrap();
    let source = made["payload"]["contact_inbox"]["source_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(made["payload"]["contact_inbox"]["inbox"]["id"], inbox["id"]);

    let (status, opened) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/conversations"),
        Some(json!({"inbox_id": inbox["id"], "source_id": source, "message": {"content": "Hola Pedro, te escribimos desde la tienda"}})),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    let number = opened["id"].as_i64().unwrap();
    let me = format!("{base}/contacts/{source}");
    let (_, mine) = call(
        &app,
        None,
        Method::GET,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    assert_eq!(mine[0]["id"], number);
    let (_, messages) = call(
        &app,
        None,
        Method::GET,
        &format!("{me}/conversations/{number}/messages"),
        None,
    )
    .await;
    assert_eq!(
        messages[0]["content"],
        "Hola Pedro, te escribimos desde la tienda"
    );
    assert_eq!(messages[0]["message_type"], 1);
    // A run of notes longer than a page does not hide her history.
    for i in 0..25 {
        let (status, _) = call(
            &app,
            Some(&admin),
            Method::POST,
            &at(&format!("/conversations/{number}/messages")),
            Some(json!({"content": format!("Nota {i}"), "private": true})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (_, messages) = call(
        &app,
        None,
        Method::GET,
        &format!("{me}/conversations/{number}/messages"),
        None,
    )
    .await;
    assert_eq!(messages.as_array().unwrap().len(), 1, "{messages}");
    assert_eq!(
        messages[0]["content"],
        "Hola Pedro, te escribimos desde la tienda"
    );

    // A chosen identifier through contact_inboxes; another contact cannot take it.
    let (status, chosen) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/contacts/{contact_id}/contact_inboxes")),
        Some(json!({"inbox_id": inbox["id"], "source_id": "crm-pedro"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &chosen["source_id"]),
        (200, &json!("crm-pedro"))
    );
    let (status, _) = call(
        &app,
        None,
        Method::GET,
        &format!("{base}/contacts/crm-pedro"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, other) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/contacts"),
        Some(json!({"name": "Otra", "email": "otra.crm@example.com"})),
    )
    .await;
    let other = other["payload"]["contact"]["id"].as_i64().unwrap();
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/conversations"),
        Some(json!({"inbox_id": inbox["id"], "source_id": "crm-pedro", "contact_id": other})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/contacts/{other}/contact_inboxes")),
        Some(json!({"inbox_id": inbox["id"], "source_id": "crm-pedro"})),
    )
    .await;
    assert_eq!(status, 422);
}
