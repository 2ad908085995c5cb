//! The inbox rules: who sees what, idempotent sends, live counts, keyset order,
//! delivery through the outbox, mentions.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{
    ConversationPage, ConversationSummary, MessagePage, MessageView, TabCounts,
};
use app::domain::DeliveryStatus;
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};

on_both_backends!(
    agents_see_only_their_inboxes,
    a_retried_send_is_stored_once,
    bad_messages_are_refused_and_change_nothing,
    counts_follow_every_kind_of_change,
    unread_counts_follow_messages_and_reads,
    keyset_pages_hold_with_equal_timestamps,
    replies_go_through_the_outbox,
    a_reply_moves_its_conversation_live,
    mentions_notify_only_teammates_of_the_inbox,
);

async fn list(app: &TestApp, cookie: &str, tab: &str, status: &str) -> Vec<ConversationSummary> {
    let page: ConversationPage = app
        .ok(
            cookie,
            "conversations/list",
            json!({"tab": tab, "status": status, "after": null}),
        )
        .await;
    page.items
}

async fn conversation_in(app: &TestApp, channel: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id WHERE i.channel_kind = $1 ORDER BY c.id LIMIT 1",
    )
    .bind(channel)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn agents_see_only_their_inboxes(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let admin = app.sign_in(ADMIN).await;
    let email_conversation = conversation_in(&app, "email").await;

    // By list: Lucía works web chat and WhatsApp, never the email inbox.
    for status in ["open", "pending", "resolved"] {
        let rows = list(&app, &lucia.cookie, "all", status).await;
        assert!(
            rows.iter()
                .all(|c| c.channel != app::domain::ChannelKind::Email),
            "{status}"
        );
    }
    let all_admin: usize = {
        let mut n = 0;
        for status in ["open", "pending", "snoozed", "resolved"] {
            n += list(&app, &admin.cookie, "all", status).await.len();
        }
        n
    };
    assert_eq!(all_admin, 5, "administrators see every inbox");

    // By id: not found, for reading, writing and acting alike.
    for (endpoint, body) in [
        ("conversations/get", json!({"id": email_conversation})),
        (
            "conversations/messages",
            json!({"id": email_conversation, "before": null}),
        ),
        (
            "conversations/send",
            json!({"conversation_id": email_conversation, "body": "hola", "private": false, "idempotency_key": null, "mentions": []}),
        ),
        (
            "conversations/assign",
            json!({"id": email_conversation, "assignee_id": null}),
        ),
        (
            "conversations/status",
            json!({"id": email_conversation, "status": "resolved", "snoozed_until": null}),
        ),
    ] {
        let res = app.call_json(Some(&lucia.cookie), endpoint, body).await;
        assert_eq!(res.status(), 404, "{endpoint}");
        assert_eq!(res.json::<AppError>().await.unwrap(), AppError::NotFound);
    }

    // By socket: the email inbox's events reach Marcos (a member), never Lucía.
    let mut lucia_socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    let mut marcos_socket = app.socket(Some(&marcos.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut lucia_socket).await,
        ServerFrame::Hello { .. }
    ));
    assert!(matches!(
        next_frame(&mut marcos_socket).await,
        ServerFrame::Hello { .. }
    ));
    let _: MessageView = app
        .ok(&admin.cookie, "conversations/send", json!({"conversation_id": email_conversation, "body": "nota interna", "private": true, "idempotency_key": null, "mentions": []}))
        .await;
    match next_frame(&mut marcos_socket).await {
        ServerFrame::Event(e) => assert!(matches!(e.event, LiveEvent::MessageCreated { .. })),
        other => panic!("{other:?}"),
    }
    assert_silent(&mut lucia_socket).await;
    // And a resume from zero does not replay it to her either.
    let mut resumed = app.socket(Some(&lucia.cookie), Some(0)).await.unwrap();
    assert!(matches!(
        next_frame(&mut resumed).await,
        ServerFrame::Hello { .. }
    ));
    assert_silent(&mut resumed).await;
}

async fn a_retried_send_is_stored_once(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let id = conversation_in(&app, "web_chat").await;
    let body = json!({"conversation_id": id, "body": "¡Hola! Ya lo miro.", "private": false, "idempotency_key": "k-123", "mentions": []});
    let first: MessageView = app
        .ok(&lucia.cookie, "conversations/send", body.clone())
        .await;
    let second: MessageView = app.ok(&lucia.cookie, "conversations/send", body).await;
    assert_eq!(first.id, second.id);
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = 'k-123'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 1);
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE message_id = $1")
        .bind(first.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        queued, 1,
        "one delivery, however often the request is retried"
    );
}

async fn bad_messages_are_refused_and_change_nothing(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let id = conversation_in(&app, "web_chat").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let long = "x".repeat(10_001);
    for (body, code) in [("   ", "required"), (long.as_str(), "too_long")] {
        let res = app
            .call_json(Some(&lucia.cookie), "conversations/send", json!({"conversation_id": id, "body": body, "private": false, "idempotency_key": null, "mentions": []}))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation("body", code)
        );
    }
    let res = app
        .call_json(Some(&lucia.cookie), "conversations/send", json!({"conversation_id": 999_999, "body": "hola", "private": false, "idempotency_key": null, "mentions": []}))
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            json!({"conversation_id": "uno"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(count().await, before);
}

async fn counts(app: &TestApp, cookie: &str, status: &str) -> TabCounts {
    app.ok(cookie, "conversations/counts", json!({"status": status}))
        .await
}

async fn counts_follow_every_kind_of_change(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let me: i64 = app.agent_id(LUCIA).await;
    let start = counts(&app, &lucia.cookie, "open").await;
    assert_eq!(
        start,
        TabCounts {
            mine: 1,
            unassigned: 2,
            all: 3
        }
    );

    // A visitor writes: a new unassigned conversation.
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola, ¿hay alguien?", "name": "Eva", "email": null}))
        .await;
    let after_new = counts(&app, &lucia.cookie, "open").await;
    assert_eq!(
        after_new,
        TabCounts {
            mine: 1,
            unassigned: 3,
            all: 4
        }
    );
    let conversation: i64 = app.conversation_of_message(sent.message.id).await;

    // Assigned to me: it moves from Sin asignar to Mías.
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/assign",
            json!({"id": conversation, "assignee_id": me}),
        )
        .await;
    assert_eq!(
        counts(&app, &lucia.cookie, "open").await,
        TabCounts {
            mine: 2,
            unassigned: 2,
            all: 4
        }
    );
    // Resolved: it leaves the open view.
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/status",
            json!({"id": conversation, "status": "resolved", "snoozed_until": null}),
        )
        .await;
    assert_eq!(
        counts(&app, &lucia.cookie, "open").await,
        TabCounts {
            mine: 1,
            unassigned: 2,
            all: 3
        }
    );
    assert_eq!(counts(&app, &lucia.cookie, "resolved").await.mine, 2);
    // The visitor writes again: a resolved conversation stays resolved and a new,
    // unassigned one opens (the routing rule of S12).
    let again: app::widget::WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": sent.visitor, "body": "Una cosa más", "name": null, "email": null}))
        .await;
    assert_ne!(
        app.conversation_of_message(again.message.id).await,
        conversation
    );
    assert_eq!(
        counts(&app, &lucia.cookie, "open").await,
        TabCounts {
            mine: 1,
            unassigned: 3,
            all: 4
        }
    );
    assert_eq!(counts(&app, &lucia.cookie, "resolved").await.mine, 2);
    // Snoozed until the next reply, in the past: refused.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/status",
            json!({"id": conversation, "status": "snoozed", "snoozed_until": 1}),
        )
        .await;
    assert_eq!(res.status(), 422);

    // The client-side delta agrees with the server after each step.
    let mut local = start;
    local.apply(
        me,
        app::domain::ConversationStatus::Open,
        None,
        (None, app::domain::ConversationStatus::Open),
    );
    assert_eq!(local, after_new);
    assert_tallies_match(&app).await;
}

/// The tallies behind the tab counts agree with the conversations themselves.
async fn assert_tallies_match(app: &TestApp) {
    let kept: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT inbox_id, status, assignee_id, total FROM conversation_tallies WHERE total <> 0 \
         ORDER BY inbox_id, status, assignee_id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let counted: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT inbox_id, status, COALESCE(assignee_id, 0) AS a, COUNT(*) FROM conversations \
         GROUP BY inbox_id, status, COALESCE(assignee_id, 0) ORDER BY inbox_id, status, a",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(kept, counted);
}

async fn unread_of(app: &TestApp, cookie: &str, conversation: i64) -> i64 {
    list(app, cookie, "all", "open")
        .await
        .into_iter()
        .find(|c| c.id == conversation)
        .map(|c| c.unread_count)
        .expect("conversation listed")
}

/// The visitor of the web-chat widget writes (a new visitor when `visitor` is null).
async fn visitor_writes(
    app: &TestApp,
    token: &str,
    visitor: serde_json::Value,
    body: &str,
) -> app::widget::WidgetSent {
    let name = if visitor.is_null() {
        json!("Eva")
    } else {
        json!(null)
    };
    app.ok(
        "",
        "widget/send",
        json!({"token": token, "visitor": visitor, "body": body, "name": name, "email": null}),
    )
    .await
}

/// Opens the conversation (`read`) or marks it as unread.
async fn mark(app: &TestApp, cookie: &str, conversation: i64, read: bool) {
    let res = app
        .call_json(
            Some(cookie),
            "conversations/read",
            json!({"id": conversation, "read": read}),
        )
        .await;
    assert!(res.status().is_success());
}

async fn unread_counts_follow_messages_and_reads(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    let token = app.web_chat_token().await;
    let first = visitor_writes(&app, &token, json!(null), "Uno").await;
    let visitor = json!(first.visitor);
    let conversation = app.conversation_of_message(first.message.id).await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 1);
    visitor_writes(&app, &token, visitor.clone(), "Dos").await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 2);

    // Lucía reads it; the administrator has not.
    mark(&app, &lucia.cookie, conversation, true).await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 0);
    assert_eq!(unread_of(&app, &admin.cookie, conversation).await, 2);

    // An agent's reply is not unread for anyone (and replying reads it for the sender);
    // the visitor's next message is.
    let _: MessageView = app
        .ok(
            &admin.cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": "Hola Eva", "private": false,
                   "idempotency_key": "unread-1", "mentions": []}),
        )
        .await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 0);
    assert_eq!(unread_of(&app, &admin.cookie, conversation).await, 0);
    visitor_writes(&app, &token, visitor, "Tres").await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 1);

    // "Mark as unread" adds one until it is opened again.
    mark(&app, &lucia.cookie, conversation, false).await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 2);
    mark(&app, &lucia.cookie, conversation, true).await;
    assert_eq!(unread_of(&app, &lucia.cookie, conversation).await, 0);
    assert_eq!(unread_of(&app, &admin.cookie, conversation).await, 1);
    assert_tallies_match(&app).await;
}

async fn keyset_pages_hold_with_equal_timestamps(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let (account, inbox, contact): (i64, i64, i64) = sqlx::query_as(
        "SELECT c.account_id, c.inbox_id, c.contact_id FROM conversations c ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    // 60 conversations with one identical activity time, newer than the demo ones.
    let at = app::db::now_ms() + 1_000_000;
    for n in 0..60 {
        sqlx::query(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, status, last_activity_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'open', $5, $5, $5)",
        )
        .bind(account)
        .bind(1000 + n)
        .bind(inbox)
        .bind(contact)
        .bind(at)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let page: ConversationPage = app
            .ok(
                &admin.cookie,
                "conversations/list",
                json!({"tab": "all", "status": "open", "after": after}),
            )
            .await;
        assert!(page.items.len() <= 25);
        seen.extend(page.items.iter().map(|c| (c.last_activity_at, c.id)));
        match page.next {
            Some(cursor) => after = serde_json::to_value(cursor).unwrap(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, id breaking ties, no repeats");
    assert_eq!(seen.len(), 60 + 3, "every open conversation exactly once");
}

async fn replies_go_through_the_outbox(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let mut socket = live_socket(&app, &admin.cookie).await;
    let web = conversation_in(&app, "web_chat").await;
    let sent = reply(&app, &admin.cookie, web, "Respuesta").await;
    assert_eq!(
        sent.delivery_status,
        Some(DeliveryStatus::Sending),
        "stored before the channel is tried"
    );
    let updated = wait_for_update(&mut socket, sent.id).await;
    assert_eq!(updated.delivery_status, Some(DeliveryStatus::Sent));
    // The event carries the message as stored (the worker builds it from a read made
    // before its transaction).
    assert_eq!(
        stored_message(&app, &admin.cookie, web, sent.id).await,
        updated
    );

    // The demo's email inbox has no SMTP settings: the failure is shown with its
    // reason, and retry works.
    let email = conversation_in(&app, "email").await;
    let sent = reply(&app, &admin.cookie, email, "Hola María").await;
    let failed = wait_for_update(&mut socket, sent.id).await;
    assert_eq!(failed.delivery_status, Some(DeliveryStatus::Failed));
    assert_eq!(
        failed.delivery_error.as_deref(),
        Some("email_not_configured")
    );
    assert_eq!(
        stored_message(&app, &admin.cookie, email, sent.id).await,
        failed
    );
    let res = app
        .call_json(
            Some(&admin.cookie),
            "conversations/retry",
            json!({"conversation_id": email, "message_id": sent.id}),
        )
        .await;
    assert!(res.status().is_success());
    let retried = wait_for_update(&mut socket, sent.id).await;
    assert_eq!(retried.delivery_status, Some(DeliveryStatus::Sending));
    // A note never enters the outbox.
    let note: MessageView = app
        .ok(&admin.cookie, "conversations/send", json!({"conversation_id": web, "body": "solo equipo", "private": true, "idempotency_key": null, "mentions": []}))
        .await;
    assert_eq!(note.delivery_status, None);
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE message_id = $1")
        .bind(note.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(queued, 0);
}

/// A signed-in agent's live socket, past its greeting.
async fn live_socket(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = app.socket(Some(cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    socket
}

/// A reply (not a note) without key or mentions.
async fn reply(app: &TestApp, cookie: &str, conversation: i64, body: &str) -> MessageView {
    app.ok(
        cookie,
        "conversations/send",
        json!({"conversation_id": conversation, "body": body, "private": false, "idempotency_key": null, "mentions": []}),
    )
    .await
}

async fn stored_message(app: &TestApp, cookie: &str, conversation: i64, id: i64) -> MessageView {
    let page: MessagePage = app
        .ok(
            cookie,
            "conversations/messages",
            json!({"id": conversation, "before": null}),
        )
        .await;
    page.items
        .into_iter()
        .find(|m| m.id == id)
        .expect("the message is in its conversation's history")
}

/// The conversation a reply's event carries is the one the list then shows: new
/// preview and activity time, nothing else changed (unread counts are per agent and
/// not in events).
async fn a_reply_moves_its_conversation_live(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let mut socket = live_socket(&app, &admin.cookie).await;
    let web = conversation_in(&app, "web_chat").await;
    let sent = reply(&app, &admin.cookie, web, "Respuesta en vivo").await;
    let (changed, previous) = loop {
        if let ServerFrame::Event(e) = next_frame(&mut socket).await {
            if let LiveEvent::ConversationChanged {
                conversation,
                previous,
            } = e.event
            {
                if conversation.id == web {
                    break (conversation, previous);
                }
            }
        }
    };
    assert_eq!(
        changed.last_message_preview.as_deref(),
        Some("Respuesta en vivo")
    );
    assert_eq!(changed.last_activity_at, sent.created_at);
    assert_eq!(changed.unread_count, 0);
    assert!(previous.is_some(), "the state before, for the tab counts");
    let mut listed = list(&app, &admin.cookie, "all", changed.status.as_str())
        .await
        .into_iter()
        .find(|c| c.id == web)
        .expect("the conversation is listed in its status");
    listed.unread_count = 0;
    assert_eq!(listed, changed);
}

async fn wait_for_update(socket: &mut Socket, id: i64) -> MessageView {
    loop {
        if let ServerFrame::Event(e) = next_frame(socket).await {
            if let LiveEvent::MessageUpdated { message } = e.event {
                if message.id == id {
                    return message;
                }
            }
        }
    }
}

async fn mentions_notify_only_teammates_of_the_inbox(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let marcos_id: i64 = app.agent_id(MARCOS).await;
    let mut socket = app.socket(Some(&marcos.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));

    // Marcos is not in the WhatsApp inbox: mentioning him there does nothing.
    let whatsapp = conversation_in(&app, "whatsapp").await;
    let note: MessageView = app
        .ok(&lucia.cookie, "conversations/send", json!({"conversation_id": whatsapp, "body": "@Marcos Ruiz mira", "private": true, "idempotency_key": null, "mentions": [marcos_id]}))
        .await;
    assert!(note.mentions.is_empty());
    // In the web chat he is: a structured mention and a notification for him alone.
    let web = conversation_in(&app, "web_chat").await;
    let note: MessageView = app
        .ok(&lucia.cookie, "conversations/send", json!({"conversation_id": web, "body": "@Marcos Ruiz ¿lo ves tú?", "private": true, "idempotency_key": null, "mentions": [marcos_id]}))
        .await;
    assert_eq!(note.mentions.len(), 1);
    assert_eq!(note.mentions[0].name, "Marcos Ruiz");
    let notified = loop {
        if let ServerFrame::Event(e) = next_frame(&mut socket).await {
            if let LiveEvent::NotificationCreated { notification } = e.event {
                break notification;
            }
        }
    };
    assert_eq!(notified.conversation_id, web);
    let list: Vec<app::notifications::NotificationView> =
        app.ok(&marcos.cookie, "notifications", json!({})).await;
    assert_eq!(list.len(), 1);
    assert!(!list[0].read);
    let mine: Vec<app::notifications::NotificationView> =
        app.ok(&lucia.cookie, "notifications", json!({})).await;
    assert!(mine.is_empty());
    // History carries the mention too.
    let page: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": web, "before": null}),
        )
        .await;
    assert_eq!(page.items.last().unwrap().mentions.len(), 1);
}
