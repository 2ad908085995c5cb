//! "Is writing" (issue 29), read off the real sockets: an agent's reply reaches the
//! visitor and her teammates, a private note only teammates (never the visitor's
//! socket), the visitor's writing reaches the agents who may see her conversation;
//! nobody hears herself, an agent outside the inbox hears nothing and cannot speak
//! into it.
use futures::SinkExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use crate::on_both_backends;
use app::events::ServerFrame;
use app::live::typing::Typing;

on_both_backends!(writing_reaches_only_who_may_see_it);

async fn say(socket: &mut Socket, frame: Value) {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .unwrap();
}

/// The next "is writing" on an agent's socket (other frames skipped).
async fn next_typing(socket: &mut Socket) -> Typing {
    loop {
        if let ServerFrame::Typing(typing) = next_frame(socket).await {
            return typing;
        }
    }
}

/// The next "is writing" on the visitor's socket (her replayed messages skipped).
async fn visitor_typing(socket: &mut Socket) -> Value {
    loop {
        let frame = next_json(socket).await;
        if frame["frame"] == "typing" {
            return frame;
        }
    }
}

async fn writing_reaches_only_who_may_see_it(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "hola", "name": "Pablo", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let lucia_id = app.agent_id(LUCIA).await;
    // Marcos leaves the web chat: its conversations are no longer his to see.
    sqlx::query(
        "DELETE FROM inbox_members WHERE agent_id = $1 AND inbox_id IN \
         (SELECT id FROM inboxes WHERE channel_kind = 'web_chat')",
    )
    .bind(app.agent_id(MARCOS).await)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let mut sockets = Vec::new();
    for email in [LUCIA, ADMIN, MARCOS] {
        let cookie = app.sign_in(email).await.cookie;
        let mut socket = app.socket(Some(&cookie), None).await.unwrap();
        assert!(matches!(
            next_frame(&mut socket).await,
            ServerFrame::Hello { .. }
        ));
        sockets.push(socket);
    }
    let [mut lucia, mut admin, mut marcos] = <[Socket; 3]>::try_from(sockets).unwrap();
    let mut visitor = app.visitor_socket(&token, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut visitor).await["frame"], "hello");

    // Lucía writes a note, stops, then writes a reply.
    for (private, typing) in [(true, true), (true, false), (false, true)] {
        say(
            &mut lucia,
            json!({"frame": "typing", "conversation_id": conversation, "private": private, "typing": typing}),
        )
        .await;
        let heard = next_typing(&mut admin).await;
        assert_eq!(
            heard,
            Typing {
                conversation_id: conversation,
                agent_id: Some(lucia_id),
                name: heard.name.clone(),
                private,
                typing,
            }
        );
        assert!(!heard.name.is_empty());
    }
    // The visitor hears the reply only: the note's two signals never reached her.
    let heard = visitor_typing(&mut visitor).await;
    assert_eq!(heard["typing"], true);
    assert!(heard["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(heard.get("private").is_none() && heard.get("agent_id").is_none());

    // The visitor writes: the agents of her inbox hear it, with her name.
    say(&mut visitor, json!({"frame": "typing", "typing": true})).await;
    for socket in [&mut lucia, &mut admin] {
        let heard = next_typing(socket).await;
        assert_eq!(
            (heard.conversation_id, heard.agent_id, heard.name.as_str()),
            (conversation, None, "Pablo")
        );
        assert!(heard.typing);
    }

    // Marcos cannot speak into a conversation he may not see.
    say(
        &mut marcos,
        json!({"frame": "typing", "conversation_id": conversation, "private": false, "typing": true}),
    )
    .await;
    // Nobody heard herself, Marcos heard nothing, nothing else reached anyone.
    for socket in [&mut lucia, &mut admin, &mut marcos, &mut visitor] {
        assert_silent(socket).await;
    }
}
