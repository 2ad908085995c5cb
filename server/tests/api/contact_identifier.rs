//! A contact's `identifier` (issue 30, Chatwoot's field): another system's id for the
//! customer, kept on the contact, unique in the account, found by search and filter,
//! and the contact a website's verified user joins when her shop already made her.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;
use app::widget::WidgetSent;

on_both_backends!(
    integrations_keep_their_own_id_on_a_contact,
    a_verified_shopper_joins_the_contact_her_shop_made
);

async fn integrations_keep_their_own_id_on_a_contact(app: TestApp) {
    let account = app.account_id().await;
    let token = app.api_token(LUCIA).await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let (status, made) = call(
        &app,
        Some(&token),
        Method::POST,
        &at("/contacts"),
        Some(json!({"name": "Irene Tienda", "email": "irene.tienda@example.com", "identifier": " shop-42 "})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let contact = &made["payload"]["contact"];
    assert_eq!(contact["identifier"], "shop-42", "{made}");
    let id = contact["id"].as_i64().unwrap();
    let put = |body: Value| {
        let (app, token, path) = (&app, &token, at(&format!("/contacts/{id}")));
        async move { call(app, Some(token), Method::PUT, &path, Some(body)).await }
    };

    // Another contact may not take it: a 422 naming the field, and nothing is saved.
    let (status, refused) = call(
        &app,
        Some(&token),
        Method::POST,
        &at("/contacts"),
        Some(json!({"name": "Otra", "email": "otra.tienda@example.com", "identifier": "shop-42"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["identifier"]));
    let saved: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE email = 'otra.tienda@example.com'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(saved, 0);

    // Too long or with a control character: refused, the stored one kept.
    for bad in ["x".repeat(256), "a\u{7}b".to_owned()] {
        let (status, refused) = put(json!({"identifier": bad})).await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["attributes"], json!(["identifier"]));
    }
    let (_, shown) = call(
        &app,
        Some(&token),
        Method::GET,
        &at(&format!("/contacts/{id}")),
        None,
    )
    .await;
    assert_eq!(shown["payload"]["identifier"], "shop-42", "{shown}");

    // An update that leaves it out keeps it; a new one replaces it.
    let (status, kept) = put(json!({"name": "Irene T."})).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["payload"]["identifier"], "shop-42");
    let (_, changed) = put(json!({"identifier": "shop-43"})).await;
    assert_eq!(changed["payload"]["identifier"], "shop-43");

    // Search finds her by it (first, though her name and email do not hold it).
    let (status, found) = call(
        &app,
        Some(&token),
        Method::GET,
        &at("/contacts/search?q=shop-43"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let ids: Vec<i64> = found["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id], "{found}");
    assert_eq!(found["meta"]["count"], 1, "{found}");

    // So does the filter, in any case.
    let (status, filtered) = call(
        &app,
        Some(&token),
        Method::POST,
        &at("/contacts/filter"),
        Some(json!({"payload": [{"attribute_key": "identifier", "filter_operator": "equal_to", "values": ["SHOP-43"]}]})),
    )
    .await;
    assert_eq!(status, 200, "{filtered}");
    assert_eq!(filtered["meta"]["count"], 1, "{filtered}");
    assert_eq!(filtered["payload"][0]["id"], id);

    // `null` clears it too (as Chatwoot's clients send it); an empty one as well.
    let (_, nulled) = put(json!({"identifier": null})).await;
    assert_eq!(nulled["payload"]["identifier"], Value::Null, "{nulled}");
    put(json!({"identifier": "shop-43"})).await;
    // An empty one clears it; then the first contact's old id is free again.
    let (_, cleared) = put(json!({"identifier": ""})).await;
    assert_eq!(cleared["payload"]["identifier"], Value::Null, "{cleared}");
    let (_, none) = call(
        &app,
        Some(&token),
        Method::GET,
        &at("/contacts/search?q=shop-43"),
        None,
    )
    .await;
    assert_eq!(none["payload"], json!([]), "{none}");
    assert_eq!(none["meta"]["count"], 0, "{none}");
}

async fn a_verified_shopper_joins_the_contact_her_shop_made(app: TestApp) {
    use app::widget::ssr::identity::identifier_hash;
    let account = app.account_id().await;
    let api = app.api_token(LUCIA).await;
    let (status, made) = call(
        &app,
        Some(&api),
        Method::POST,
        &format!("/api/v1/accounts/{account}/contacts"),
        Some(json!({"name": "Compradora", "phone_number": "+34 655 44 33 22", "identifier": "cliente-7"})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let shop_contact = made["payload"]["contact"]["id"].as_i64().unwrap();

    let token = app.web_chat_token().await;
    let secret = crate::widget::identity_secret(&app, &token, false).await;
    let signed = |id: &str, email: &str| json!({"identifier": id, "identifier_hash": identifier_hash(&secret, id), "email": email, "name": "Desde la web"});
    // She signs in on the website with another email than the shop knows: the shop's
    // contact is still her.
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola, soy yo",
            "name": null, "email": null, "user": signed("cliente-7", "web.compradora@example.com")}))
        .await;
    let contact_of = |message: i64| {
        let app = &app;
        async move {
            let conversation = app.conversation_of_message(message).await;
            let row: (i64, Option<String>) = sqlx::query_as(
                "SELECT ct.id, ct.identifier FROM contacts ct JOIN conversations c ON c.contact_id = ct.id WHERE c.id = $1",
            )
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            row
        }
    };
    assert_eq!(
        contact_of(sent.message.id).await,
        (shop_contact, Some("cliente-7".to_owned()))
    );

    // Someone the shop never sent: her new contact takes her identifier, so the API
    // finds her by it.
    let fresh: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Primera vez",
            "name": null, "email": null, "user": signed("cliente-8", "nueva.web@example.com")}),
        )
        .await;
    let (fresh_contact, fresh_identifier) = contact_of(fresh.message.id).await;
    assert_ne!(fresh_contact, shop_contact);
    assert_eq!(fresh_identifier.as_deref(), Some("cliente-8"));
}
