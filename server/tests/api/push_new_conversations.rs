//! "Every new conversation" notices (issue 29) leave the customer's transaction: her
//! message queues one row and the push worker writes a notification for each agent
//! who asked and may see the inbox, then pushes it. Nobody else is told, a second
//! message is not a new conversation, and nothing stays queued.
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use crate::push::{push_service, received, Browser};
use app::widget::WidgetSent;

on_both_backends!(a_new_conversation_is_told_after_her_message);

async fn asks_for_new_conversations(app: &TestApp, cookie: &str, browser: &Browser) {
    let _: () = app
        .ok(
            cookie,
            "notifications/prefs/save",
            json!({"kinds": [{"kind": "new_conversation", "ways": {"push": true, "email": false, "sound": false}}]}),
        )
        .await;
    let _: () = app
        .ok(
            cookie,
            "notifications/push/subscribe",
            browser.subscription(),
        )
        .await;
}

/// The kinds of an agent's notifications about a conversation, waited for until there
/// are `n` (3 s: well under the worker's 10-s poll, so a missing wake-up fails).
async fn told(app: &TestApp, agent: i64, conversation: i64, n: usize) -> Vec<String> {
    for _ in 0..60 {
        let kinds: Vec<String> = sqlx::query_scalar(
            "SELECT kind FROM notifications WHERE agent_id = $1 AND conversation_id = $2 ORDER BY id",
        )
        .bind(agent)
        .bind(conversation)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        if kinds.len() >= n {
            return kinds;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("agent {agent} was not told of conversation {conversation}");
}

async fn a_new_conversation_is_told_after_her_message(app: TestApp) {
    let (base, log) = push_service().await;
    let token = app.web_chat_token().await;
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE web_token = $1")
        .bind(&token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let member = |agent: i64| {
        let db = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM inbox_members WHERE inbox_id = $1 AND agent_id = $2",
            )
            .bind(inbox)
            .bind(agent)
            .fetch_one(&db)
            .await
            .unwrap()
                > 0
        }
    };
    let (lucia_id, marcos_id) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/set_member",
            json!({"inbox_id": inbox, "agent_id": marcos_id, "member": false}),
        )
        .await;
    assert!(member(lucia_id).await, "the demo's web chat has Lucía");
    assert!(!member(marcos_id).await, "and no longer Marcos");
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let phone = Browser::new(&base, "lucia-phone");
    asks_for_new_conversations(&app, &lucia.cookie, &phone).await;
    asks_for_new_conversations(&app, &marcos.cookie, &Browser::new(&base, "marcos")).await;

    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "¿Hacéis envíos a Canarias?", "name": "Pilar", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    assert_eq!(
        told(&app, lucia_id, conversation, 1).await,
        ["new_conversation"]
    );
    let got = received(&log, 1).await;
    let shown = phone.open(&got[0].body);
    assert!(
        shown["title"].as_str().unwrap().contains('#'),
        "the push names the conversation: {shown}"
    );

    // Her next message is not a new conversation; Marcos, outside the inbox, never hears.
    let _: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": sent.visitor, "body": "Es para un pedido grande", "name": null, "email": null}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        told(&app, lucia_id, conversation, 1).await,
        ["new_conversation"]
    );
    let marcos_told: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE agent_id = $1")
            .bind(marcos_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(marcos_told, 0);
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notification_fanouts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0, "nothing stays queued");
    assert_eq!(log.lock().unwrap().len(), 1, "one push, to Lucía's phone");
}
