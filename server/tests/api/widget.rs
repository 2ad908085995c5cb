//! The visitor's side: what the widget's socket carries, and what it must never carry.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    visitor_socket_carries_replies_but_never_notes,
    visitors_need_their_own_token
);

async fn visitor_socket_carries_replies_but_never_notes(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola, necesito ayuda", "name": "Eva", "email": "eva@example.com"}))
        .await;
    assert!(!sent.message.from_agent);
    // The visitor became an identified contact.
    let email: Option<String> = sqlx::query_scalar(
        "SELECT ct.email FROM contacts ct JOIN conversations c ON c.contact_id = ct.id \
         JOIN messages m ON m.conversation_id = c.id WHERE m.id = $1",
    )
    .bind(sent.message.id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(email.as_deref(), Some("eva@example.com"));
    let conversation: i64 = app.conversation_of_message(sent.message.id).await;

    let mut visitor = app.visitor_socket(&token, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut visitor).await["frame"], "hello");
    // Replay of history on connect: the visitor's own message.
    assert_eq!(
        next_json(&mut visitor).await["body"],
        "Hola, necesito ayuda"
    );

    let lucia = app.sign_in(LUCIA).await;
    let send = |body: &str, private: bool| json!({"conversation_id": conversation, "body": body, "private": private, "idempotency_key": null, "mentions": []});
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("SECRETO: nota del equipo", true),
        )
        .await;
    let _: app::conversations::model::ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/assign",
            json!({"id": conversation, "assignee_id": null}),
        )
        .await;
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("¡Hola Eva! Te ayudo.", false),
        )
        .await;

    // Everything the visitor receives, until the reply (and its delivery update).
    let reply = next_json(&mut visitor).await;
    assert_eq!(reply["frame"], "message");
    assert_eq!(reply["body"], "¡Hola Eva! Te ayudo.");
    assert_eq!(reply["agent_name"], "Lucía Fernández");
    let text = reply.to_string();
    assert!(!text.contains("SECRETO"), "{text}");
    // The delivery update of the same reply may follow; nothing else may.
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(
        std::time::Duration::from_millis(700),
        futures::StreamExt::next(&mut visitor),
    )
    .await
    {
        let text = frame.into_text().unwrap().to_string();
        assert!(!text.contains("SECRETO"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value["id"], reply["id"],
            "only the reply's own update: {text}"
        );
    }

    // Reloading the widget shows the same conversation, without the note.
    let state: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": sent.visitor}),
        )
        .await;
    assert!(state.identified);
    let bodies: Vec<_> = state.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Hola, necesito ayuda", "¡Hola Eva! Te ayudo."]);
}

async fn visitors_need_their_own_token(app: TestApp) {
    let token = app.web_chat_token().await;
    assert!(app.visitor_socket(&token, "made-up").await.is_err());
    assert!(app
        .visitor_socket("no-such-inbox", "made-up")
        .await
        .is_err());
    let res = app
        .call_json(None, "widget/send", json!({"token": "no-such-inbox", "visitor": null, "body": "hola", "name": null, "email": null}))
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call_json(None, "widget/send", json!({"token": token, "visitor": null, "body": "hola", "name": null, "email": "no-es-un-correo"}))
        .await;
    assert_eq!(res.status(), 422);
    let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contact_identities")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(contacts, 0, "a refused message creates no visitor");
}
