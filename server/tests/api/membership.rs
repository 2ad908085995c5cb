//! What an agent receives follows the inboxes she belongs to *now*: notifications of
//! an inbox she left are no longer listed, and a socket resuming from before she
//! joined and left an inbox replays none of that inbox's events.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::events::{LiveEvent, ServerFrame};
use app::notifications::NotificationView;
use app::widget::WidgetSent;

on_both_backends!(
    notifications_follow_current_membership,
    a_resumed_socket_replays_only_inboxes_she_belongs_to_now,
);

async fn web_chat_inbox(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat' ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// A visitor's new conversation in the web chat; its id.
async fn visitor_conversation(app: &TestApp, body: &str) -> i64 {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": body, "name": "Pilar", "email": null}),
        )
        .await;
    app.conversation_of_message(sent.message.id).await
}

async fn set_member(app: &TestApp, admin: &str, inbox: i64, agent: i64, member: bool) {
    let _: () = app
        .ok(
            admin,
            "team/set_member",
            json!({"inbox_id": inbox, "agent_id": agent, "member": member}),
        )
        .await;
}

async fn note(app: &TestApp, cookie: &str, conversation: i64, body: &str, mentions: Vec<i64>) {
    let _: MessageView = app
        .ok(
            cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": body, "private": true,
                "idempotency_key": null, "mentions": mentions}),
        )
        .await;
}

async fn notifications_follow_current_membership(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let inbox = web_chat_inbox(&app).await;
    let conversation = visitor_conversation(&app, "¿Tenéis envío a Canarias?").await;
    note(
        &app,
        &admin.cookie,
        conversation,
        "@Lucía mira esto",
        vec![lucia_id],
    )
    .await;
    let listed = |cookie: String| {
        let app = &app;
        async move {
            let res = app.call(Some(&cookie), "notifications", &[]).await;
            assert!(res.status().is_success(), "{}", res.status());
            let list: Vec<NotificationView> = res.json().await.unwrap();
            list.iter()
                .filter(|n| n.conversation_id == conversation)
                .count()
        }
    };
    assert_eq!(listed(lucia.cookie.clone()).await, 1);
    set_member(&app, &admin.cookie, inbox, lucia_id, false).await;
    assert_eq!(
        listed(lucia.cookie.clone()).await,
        0,
        "an inbox she left keeps nothing in her bell"
    );
    set_member(&app, &admin.cookie, inbox, lucia_id, true).await;
    assert_eq!(listed(lucia.cookie.clone()).await, 1, "back with her");
}

async fn a_resumed_socket_replays_only_inboxes_she_belongs_to_now(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let inbox = web_chat_inbox(&app).await;
    let conversation = visitor_conversation(&app, "Hola").await;
    // Lucía leaves the web chat; her socket's resume point is taken after that.
    set_member(&app, &admin.cookie, inbox, lucia_id, false).await;
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    let ServerFrame::Hello {
        last_event_id: start,
    } = next_frame(&mut socket).await
    else {
        panic!("hello expected");
    };
    drop(socket);
    // While she is away she is added, a note is written there, and she is removed.
    set_member(&app, &admin.cookie, inbox, lucia_id, true).await;
    note(
        &app,
        &admin.cookie,
        conversation,
        "SECRETO del rato en que estuvo",
        vec![],
    )
    .await;
    set_member(&app, &admin.cookie, inbox, lucia_id, false).await;
    // Something she may see, to know the replay is over.
    app.call(
        Some(&admin.cookie),
        "set_availability",
        &[("availability", "busy")],
    )
    .await;

    let mut socket = app.socket(Some(&lucia.cookie), Some(start)).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    loop {
        let ServerFrame::Event(event) = next_frame(&mut socket).await else {
            panic!("events expected");
        };
        let text = serde_json::to_string(&event).unwrap();
        assert!(!text.contains("SECRETO"), "replayed: {text}");
        assert_ne!(event.scope.inbox_id, Some(inbox), "replayed: {text}");
        if matches!(event.event, LiveEvent::AgentAvailabilityChanged { .. }) {
            break;
        }
    }
}
