//! Read receipts on the website chat (issue 29), read off the real sockets: the
//! visitor's widget says how far she read and the agents' replies become "Leído" (an
//! event each agent's view receives), never a private note; an agent opening the
//! conversation reaches the visitor as "Visto" and is there when the widget reopens.
use futures::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::domain::DeliveryStatus;
use app::events::{LiveEvent, ServerFrame};
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(replies_read_and_messages_seen);

async fn status_of(app: &TestApp, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT delivery_status FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Waits (bounded) for the outbox worker to hand the reply to the widget.
async fn until_sent(app: &TestApp, id: i64) {
    for _ in 0..100 {
        if status_of(app, id).await.as_deref() == Some("sent") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("reply {id} never marked sent");
}

async fn replies_read_and_messages_seen(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "hola", "name": "Pablo", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let lucia = app.sign_in(LUCIA).await;
    let send = |body: &str, private: bool| {
        json!({"conversation_id": conversation, "body": body, "private": private,
               "idempotency_key": null, "mentions": []})
    };
    let reply: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("¿En qué te ayudo?", false),
        )
        .await;
    let note: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("cliente habitual", true),
        )
        .await;
    until_sent(&app, reply.id).await;

    let mut agent = app.socket(Some(&lucia.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut agent).await,
        ServerFrame::Hello { .. }
    ));
    let mut visitor = app.visitor_socket(&token, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut visitor).await["frame"], "hello");

    // She has read everything up to the note's id (which she never saw).
    visitor
        .send(Message::Text(
            json!({"frame": "seen", "up_to": note.id})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let updated = loop {
        if let ServerFrame::Event(event) = next_frame(&mut agent).await {
            if let LiveEvent::MessageUpdated { message } = event.event {
                break message;
            }
        }
    };
    assert_eq!(updated.id, reply.id);
    assert_eq!(updated.delivery_status, Some(DeliveryStatus::Read));
    assert_eq!(status_of(&app, reply.id).await.as_deref(), Some("read"));
    // The note is not a reply she could read: untouched, and no event for it.
    assert_eq!(status_of(&app, note.id).await, None);
    assert_silent(&mut agent).await;

    // Lucía opens the conversation: the visitor hears it, and reopening shows it.
    let _: () = app
        .ok(
            &lucia.cookie,
            "conversations/read",
            json!({"id": conversation, "read": true}),
        )
        .await;
    let seen = loop {
        let frame = next_json(&mut visitor).await;
        if frame["frame"] == "seen" {
            break frame;
        }
    };
    let at = seen["at"].as_i64().expect("a time");
    assert!(at >= sent.message.created_at);
    let reopened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": sent.visitor, "user": null}),
        )
        .await;
    assert_eq!(reopened.seen_at, Some(at));
}
