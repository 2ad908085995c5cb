//! Chatwoot's ActionCable (`/cable`) for an agent's own client (its mobile app): she
//! subscribes to `RoomChannel` with the `pubsub_token` of her profile, her `user_id`
//! and `account_id`, and hears her inboxes' conversations and messages and her own
//! notifications, in Chatwoot's event names; never an inbox she is not in.
use futures::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::cable::next;
use crate::client_api::call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(an_agents_app_hears_her_inboxes_on_actioncable);

async fn connect(app: &TestApp) -> Socket {
    let mut request = format!("ws://{}/cable", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "actioncable-v1-json".parse().unwrap(),
    );
    let (mut cable, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(next(&mut cable).await, json!({"type": "welcome"}));
    cable
}

async fn subscribe(cable: &mut Socket, identifier: &Value) -> Value {
    let identifier = identifier.to_string();
    cable
        .send(Message::Text(
            json!({"command": "subscribe", "identifier": identifier})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    next(cable).await
}

/// The next frames' events until `name` is heard (at most 8 frames).
async fn until(cable: &mut Socket, name: &str) -> (Vec<String>, Value) {
    let mut seen = Vec::new();
    for _ in 0..8 {
        let heard = next(cable).await;
        let event = heard["message"]["event"].as_str().unwrap_or("").to_owned();
        seen.push(event.clone());
        if event == name {
            return (seen, heard["message"]["data"].clone());
        }
    }
    panic!("{name} not heard; heard {seen:?}");
}

async fn an_agents_app_hears_her_inboxes_on_actioncable(app: TestApp) {
    let account = app.account_id().await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let lucia_token = app.api_token(LUCIA).await;
    let admin = app.api_token(ADMIN).await;
    let (status, profile) = call(
        &app,
        Some(&lucia_token),
        Method::GET,
        "/api/v1/profile",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let pubsub = profile["pubsub_token"].as_str().unwrap().to_owned();
    assert!(pubsub.len() >= 32 && pubsub != lucia_token, "{pubsub}");

    let mut cable = connect(&app).await;
    // Another's token, another agent, another account: refused.
    for wrong in [
        json!({"channel": "RoomChannel", "pubsub_token": "not-hers", "user_id": lucia, "account_id": account}),
        json!({"channel": "RoomChannel", "pubsub_token": pubsub, "user_id": marcos, "account_id": account}),
        json!({"channel": "RoomChannel", "pubsub_token": pubsub, "user_id": lucia, "account_id": account + 1}),
    ] {
        assert_eq!(
            subscribe(&mut cable, &wrong).await["type"],
            "reject_subscription"
        );
    }
    let identifier = json!({"channel": "RoomChannel", "pubsub_token": pubsub, "user_id": lucia, "account_id": account});
    let confirmed = subscribe(&mut cable, &identifier).await;
    assert_eq!(confirmed["type"], "confirm_subscription", "{confirmed}");

    // A conversation in the email inbox, which she is not in: nothing of it reaches her.
    let email_inbox: i64 =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'email'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let jose: i64 =
        sqlx::query_scalar("SELECT id FROM contacts WHERE email = 'jose.martinez@example.com'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (status, body) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/conversations"),
        Some(json!({"inbox_id": email_inbox, "contact_id": jose, "message": {"content": "Solo para el correo"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A visitor writes in the web chat, her inbox: the conversation, then its message.
    let web_chat = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": web_chat, "visitor": null, "body": "Hola desde la web", "name": "Nora", "email": null}),
        )
        .await;
    let (seen, created) = until(&mut cable, "conversation.created").await;
    // Nora's new contact is the account's (every agent hears of it); nothing before it
    // of the email inbox's conversation or message.
    assert_eq!(seen, ["contact.created", "conversation.created"]);
    assert_eq!(created["meta"]["sender"]["name"], "Nora");
    assert_eq!(created["account_id"], account);
    let number = created["id"].as_i64().unwrap();
    let (_, message) = until(&mut cable, "message.created").await;
    assert_eq!(message["content"], "Hola desde la web");
    assert_eq!(message["message_type"], 0);
    assert_eq!(message["conversation_id"], number);
    assert_eq!(message["conversation"]["id"], number);
    assert_eq!(message["id"], sent.message.id);

    // Assigned to her: the change, and her own notification of it.
    let (status, body) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/conversations/{number}/assignments"),
        Some(json!({"assignee_id": lucia})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, changed) = until(&mut cable, "assignee.changed").await;
    assert_eq!(changed["meta"]["assignee"]["id"], lucia);
    let (_, notified) = until(&mut cable, "notification.created").await;
    assert_eq!(
        notified["notification"]["notification_type"],
        "conversation_assignment"
    );
    assert!(
        notified["unread_count"].as_i64().unwrap() >= 1,
        "{notified}"
    );

    // Nora writes: Lucía's app hears it, with her name and the conversation.
    let mut visitor = app.visitor_socket(&web_chat, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut visitor).await["frame"], "hello");
    visitor
        .send(Message::Text(
            json!({"frame": "typing", "typing": true})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let (_, typing) = until(&mut cable, "conversation.typing_on").await;
    assert_eq!(typing["conversation"]["id"], number);
    assert_eq!(typing["user"]["name"], "Nora");
    assert_eq!(typing["user"]["type"], "contact");

    // A regenerated access token ends the old pubsub token.
    let signed = app.sign_in(LUCIA).await;
    let _: app::auth::access_token::AccessTokenView = app
        .ok(&signed.cookie, "profile/access_token/regenerate", json!({}))
        .await;
    let mut again = connect(&app).await;
    assert_eq!(
        subscribe(&mut again, &identifier).await["type"],
        "reject_subscription"
    );
    // …and the line already open closes at its next ping (a guard of 20 s).
    let closed = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            match cable.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the old token's line stays open");
}
