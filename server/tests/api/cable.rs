//! Chatwoot's ActionCable (`/cable`) for a Client API contact: she subscribes to
//! `RoomChannel` with her `pubsub_token` and hears her conversation's replies and
//! status, as Chatwoot's client SDKs read them; never a note, never a stranger's.
use futures::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::client_api::{api_inbox, call};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(a_client_api_contact_hears_her_conversation_on_actioncable);

type Cable = Socket;

/// The next frame that is not a ping (a guard of 20 s, not a timing check).
pub(crate) async fn next(cable: &mut Cable) -> Value {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(20), cable.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value["type"] != "ping" {
                return value;
            }
        }
    }
}

async fn subscribe(cable: &mut Cable, token: &str) -> (String, Value) {
    let identifier = json!({"channel": "RoomChannel", "pubsub_token": token}).to_string();
    cable
        .send(Message::Text(
            json!({"command": "subscribe", "identifier": identifier})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let answer = next(cable).await;
    (identifier, answer)
}

async fn a_client_api_contact_hears_her_conversation_on_actioncable(app: TestApp) {
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let (_, base) = api_inbox(&app, &admin, "").await;
    let (_, contact) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Rosa"})),
    )
    .await;
    let token = contact["pubsub_token"].as_str().unwrap().to_owned();
    let me = format!("{base}/contacts/{}", contact["source_id"].as_str().unwrap());
    let (_, conversation) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    let number = conversation["id"].as_i64().unwrap();

    let mut request = format!("ws://{}/cable", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "actioncable-v1-json, actioncable-unsupported"
            .parse()
            .unwrap(),
    );
    let (mut cable, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "actioncable-v1-json"
    );
    assert_eq!(next(&mut cable).await, json!({"type": "welcome"}));

    let (_, refused) = subscribe(&mut cable, "not-anyones-token").await;
    assert_eq!(refused["type"], "reject_subscription");
    let (identifier, confirmed) = subscribe(&mut cable, &token).await;
    assert_eq!(
        confirmed,
        json!({"identifier": identifier, "type": "confirm_subscription"})
    );

    // Another customer's conversation in the same inbox: nothing of it reaches her.
    let (_, other) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Otra"})),
    )
    .await;
    let theirs = format!("{base}/contacts/{}", other["source_id"].as_str().unwrap());
    let (_, their_conversation) = call(
        &app,
        None,
        Method::POST,
        &format!("{theirs}/conversations"),
        None,
    )
    .await;
    let at = |path: String| format!("/api/v1/accounts/{account}{path}");
    let write = |number: i64, content: &str, private: bool| {
        (
            at(format!("/conversations/{number}/messages")),
            json!({"content": content, "private": private}),
        )
    };
    for (number, text, private) in [
        (
            their_conversation["id"].as_i64().unwrap(),
            "Para la otra",
            false,
        ),
        (number, "Nota interna", true),
        (number, "Sale hoy", false),
    ] {
        let (path, body) = write(number, text, private);
        let (status, _) = call(&app, Some(&admin), Method::POST, &path, Some(body)).await;
        assert_eq!(status, 200);
    }
    let heard = next(&mut cable).await;
    assert_eq!(heard["identifier"], identifier);
    assert_eq!(heard["message"]["event"], "message.created");
    let data = &heard["message"]["data"];
    assert_eq!(
        data["content"], "Sale hoy",
        "neither the note nor the other's reply: {heard}"
    );
    assert_eq!(data["message_type"], 1);
    assert_eq!(data["conversation_id"], number);

    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(format!("/conversations/{number}/toggle_status")),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    let mut status_changed = None;
    for _ in 0..5 {
        let heard = next(&mut cable).await;
        if heard["message"]["event"] == "conversation.status_changed" {
            status_changed = Some(heard);
            break;
        }
    }
    let status_changed = status_changed.expect("the status change");
    assert_eq!(status_changed["message"]["data"]["id"], number);
    assert_eq!(status_changed["message"]["data"]["status"], "resolved");
}
