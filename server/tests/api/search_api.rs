//! Chatwoot's search, on both databases: a customer found by her name as a contact and
//! through her conversation, that conversation by its number, her message by a word
//! (accents ignored); all at once on `/search`; a teammate outside the inbox finds
//! neither the conversation nor the message, and finds her own inbox's; contacts come
//! fifteen a page, counted in all; an empty question or a page too deep is refused.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(search_finds_what_the_caller_may_see);

fn ids(listed: &Value, kind: &str, key: &str) -> Vec<i64> {
    listed["payload"][kind]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|item| item[key].as_i64().unwrap())
        .collect()
}

async fn search_finds_what_the_caller_may_see(app: TestApp) {
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let (_, base) = api_inbox(&app, &admin, "").await;
    let (number, _) = customer_writes(
        &app,
        &base,
        &["Hola, pregunto por el xilófono de concierto"],
    )
    .await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let (_, conversation) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/conversations/{number}")),
        None,
    )
    .await;
    let contact = conversation["meta"]["sender"]["id"].as_i64().unwrap();
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::PUT,
        &at(&format!("/contacts/{contact}")),
        Some(json!({"name": "Rosa Zarzuela", "email": "rosa.zarzuela@example.org"})),
    )
    .await;
    assert_eq!(status, 200);
    let ask = |token: &str, path: String| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let (status, body) = call(app, Some(&token), Method::GET, &path, None).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };

    let found = ask(&admin, at("/search/contacts?q=zarzuela")).await;
    assert_eq!(ids(&found, "contacts", "id"), vec![contact]);
    let found = ask(&admin, at("/search/conversations?q=Zarzuela")).await;
    assert_eq!(ids(&found, "conversations", "id"), vec![number]);
    let first = &found["payload"]["conversations"][0];
    assert_eq!(first["contact"]["id"], contact);
    assert_eq!(first["inbox"]["channel_type"], "Channel::Api");
    assert_eq!(
        first["message"]["content"],
        "Hola, pregunto por el xilófono de concierto"
    );
    let found = ask(&admin, at(&format!("/search/conversations?q=%23{number}"))).await;
    assert_eq!(ids(&found, "conversations", "id").first(), Some(&number));
    let found = ask(&admin, at("/search/messages?q=xilofono")).await;
    let messages = found["payload"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{found}");
    assert_eq!(messages[0]["conversation_id"], number);
    assert_eq!(messages[0]["message_type"], 0);
    assert_eq!(messages[0]["sender"]["type"], "contact");
    let everything = ask(&admin, at("/search?q=zarzuela")).await;
    assert_eq!(ids(&everything, "contacts", "id"), vec![contact]);
    assert_eq!(ids(&everything, "conversations", "id"), vec![number]);
    assert!(everything["payload"]["messages"].is_array());

    // Lucía does not work the API inbox: the contact is the account's, the rest is not hers.
    let hers = ask(&lucia, at("/search/messages?q=xilofono")).await;
    assert_eq!(hers["payload"]["messages"], json!([]));
    let hers = ask(&lucia, at("/search/conversations?q=Zarzuela")).await;
    assert_eq!(hers["payload"]["conversations"], json!([]));
    let hers = ask(&lucia, at("/search/contacts?q=zarzuela")).await;
    assert_eq!(ids(&hers, "contacts", "id"), vec![contact]);

    // What is hers she finds: a visitor of her web chat, by name (an anonymous visitor
    // too) and by her words.
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "¿Tenéis el xilófono en rojo?",
                   "name": "Zoe Zarzamora", "email": null}),
        )
        .await;
    let web_number: i64 = sqlx::query_scalar(
        "SELECT c.display_id FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.id = $1",
    )
    .bind(sent.message.id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let hers = ask(&lucia, at("/search/messages?q=xilofono")).await;
    let numbers: Vec<i64> = hers["payload"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["conversation_id"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![web_number]);
    let hers = ask(&lucia, at("/search/conversations?q=zarzamora")).await;
    assert_eq!(ids(&hers, "conversations", "id"), vec![web_number]);

    // Contacts in pages of 15.
    for n in 0..16 {
        let (status, _) = call(
            &app,
            Some(&admin),
            Method::POST,
            &at("/contacts"),
            Some(json!({"name": format!("Paginada {n}"), "email": format!("paginada{n}@example.org")})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let first = ask(&admin, at("/search/contacts?q=paginada")).await;
    let second = ask(&admin, at("/search/contacts?q=paginada&page=2")).await;
    assert_eq!(ids(&first, "contacts", "id").len(), 15);
    assert_eq!(ids(&second, "contacts", "id").len(), 1);
    // The contact book's search counts them all, on every page.
    for page in [1, 2] {
        let listed = ask(
            &admin,
            at(&format!("/contacts/search?q=paginada&page={page}")),
        )
        .await;
        assert_eq!(listed["meta"]["count"], 16, "{listed}");
        let expected = if page == 1 { 15 } else { 1 };
        assert_eq!(listed["payload"].as_array().map(Vec::len), Some(expected));
    }

    for path in [
        "/search?q=",
        "/search/messages?q=%20",
        "/search/contacts?q=rosa&page=21",
        "/search?q=ro%00sa",
    ] {
        let (status, refused) = call(&app, Some(&admin), Method::GET, &at(path), None).await;
        assert_eq!(status, 422, "{path}: {refused}");
    }
}
