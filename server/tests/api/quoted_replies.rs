//! An agent answers one message of a conversation (Chatwoot's "reply to", its
//! `content_attributes.in_reply_to`): the reply quotes it in Charla, and on WhatsApp the
//! customer sees it as an answer to that message (the Cloud API's `context`).
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::fake_graph::FakeGraph;
use crate::helpers::*;
use crate::on_both_backends;
use crate::whatsapp::{configure, count, message_by_external, open_conversation, wait_status};
use app::conversations::model::MessageView;
use app::domain::DeliveryStatus;
use app::widget::WidgetSent;

on_both_backends!(
    a_whatsapp_customer_sees_which_message_was_answered,
    api_clients_answer_a_message_with_in_reply_to
);

fn send_body(conversation: i64, body: &str, private: bool, reply_to: Option<i64>) -> Value {
    json!({"conversation_id": conversation, "body": body, "private": private,
        "idempotency_key": null, "mentions": [], "reply_to": reply_to})
}

async fn a_whatsapp_customer_sees_which_message_was_answered(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.quoted.1").await;
    let (asked, ..) = message_by_external(&app, "wamid.quoted.1").await;
    let lucia = app.sign_in(LUCIA).await;

    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send_body(conversation, "Sí, la talla M", false, Some(asked)),
        )
        .await;
    assert_eq!(res.status(), 200);
    let sent: MessageView = res.json().await.unwrap();
    assert_eq!(sent.reply_to.as_ref().map(|q| q.id), Some(asked));
    assert_eq!(sent.reply_to.unwrap().excerpt, "Hola");
    wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    assert_eq!(
        fake.sent().last().unwrap(),
        &json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": crate::whatsapp::CUSTOMER,
            "type": "text", "text": {"preview_url": false, "body": "Sí, la talla M"},
            "context": {"message_id": "wamid.quoted.1"}})
    );

    // A note may quote too (it never leaves Charla); a reply the customer sees may not
    // quote a note.
    let note: MessageView = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send_body(conversation, "Ojo con esta talla", true, Some(asked)),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(note.reply_to.map(|q| q.id), Some(asked));
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send_body(conversation, "Citando la nota", false, Some(note.id)),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Another conversation's message cannot be answered here: refused, nothing stored.
    let token = app.web_chat_token().await;
    let visitor: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Otra conversación", "name": null, "email": null}))
        .await;
    let other = app.conversation_of_message(visitor.message.id).await;
    assert_ne!(other, conversation);
    let before = count(&app, "SELECT COUNT(*) FROM messages").await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send_body(other, "No debería salir", false, Some(sent.id + 1000)),
        )
        .await;
    assert_eq!(res.status(), 422, "{}", res.text().await.unwrap());
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send_body(other, "Tampoco", false, Some(asked)),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, before);
}

async fn api_clients_answer_a_message_with_in_reply_to(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.quoted.api").await;
    let (asked, ..) = message_by_external(&app, "wamid.quoted.api").await;
    let display: i64 = sqlx::query_scalar("SELECT display_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let account = app.account_id().await;
    let token = app.api_token(LUCIA).await;
    let path = format!("/api/v1/accounts/{account}/conversations/{display}/messages");

    let (status, made) = call(
        &app,
        Some(&token),
        Method::POST,
        &path,
        Some(json!({"content": "Respondo a eso", "content_attributes": {"in_reply_to": asked}})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["content_attributes"]["in_reply_to"], asked, "{made}");
    let reply_id = made["id"].as_i64().unwrap();
    wait_status(&app, reply_id, DeliveryStatus::Sent).await;
    assert_eq!(
        fake.sent().last().unwrap()["context"],
        json!({"message_id": "wamid.quoted.api"})
    );
    // The list shows it the same way.
    let (_, listed) = call(&app, Some(&token), Method::GET, &path, None).await;
    let shown = listed["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == reply_id)
        .cloned()
        .unwrap();
    assert_eq!(shown["content_attributes"]["in_reply_to"], asked);

    // The same through multipart (Chatwoot's dashboard sends the object as JSON text).
    let form = reqwest::multipart::Form::new()
        .text("content", "Y con un archivo")
        .text(
            "content_attributes",
            json!({"in_reply_to": asked}).to_string(),
        )
        .part(
            "attachments[]",
            reqwest::multipart::Part::bytes(b"hola".to_vec())
                .file_name("nota.txt")
                .mime_str("text/plain")
                .unwrap(),
        );
    let res = client()
        .post(app.url(&path))
        .header("api_access_token", &token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let with_file: Value = res.json().await.unwrap();
    assert_eq!(
        with_file["content_attributes"]["in_reply_to"], asked,
        "{with_file}"
    );

    // Not a message id, a message of another conversation, a customer's message written
    // by a program: a 422 naming the field, nothing sent.
    let web_token = app.web_chat_token().await;
    let elsewhere: WidgetSent = app
        .ok("", "widget/send", json!({"token": web_token, "visitor": null, "body": "En otra", "name": null, "email": null}))
        .await;
    let before = count(&app, "SELECT COUNT(*) FROM messages").await;
    for (attributes, message_type) in [
        (json!({"in_reply_to": "abc"}), "outgoing"),
        (json!({"in_reply_to": elsewhere.message.id}), "outgoing"),
        (json!([1]), "outgoing"),
        (json!({"in_reply_to": asked}), "incoming"),
    ] {
        let (status, refused) = call(
            &app,
            Some(&token),
            Method::POST,
            &path,
            Some(json!({"content": "No", "message_type": message_type, "content_attributes": attributes})),
        )
        .await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(
            refused["attributes"],
            json!(["content_attributes"]),
            "{refused}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM messages").await, before);
}
