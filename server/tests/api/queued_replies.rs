//! Replies an agent wrote offline and her browser sends later, from the page or from
//! its service worker with no page open (`public/sw.js`): both may send the same reply
//! at once, and by then someone else may be signed in on that browser.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;

on_both_backends!(
    a_queued_reply_goes_only_as_its_author,
    the_page_and_the_worker_sending_at_once_store_it_once,
);

async fn web_chat_conversation(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = 'web_chat' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn agent_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM agents WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn stored_with_key(app: &TestApp, key: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = $1")
        .bind(key)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn a_queued_reply_goes_only_as_its_author(app: TestApp) {
    let id = web_chat_conversation(&app).await;
    let lucia = agent_id(&app, LUCIA).await;
    // Lucía wrote it offline; the admin signed in on that browser before it went.
    let admin = app.sign_in(ADMIN).await;
    // The body the service worker sends (`public/sw.js`, `sendReplies`).
    let reply = |key: &str, author: i64| {
        json!({"conversation_id": id, "body": "Escrito sin conexión", "private": false,
               "idempotency_key": key, "mentions": [], "reply_to": null, "written_by": author})
    };
    let res = app
        .call_json(
            Some(&admin.cookie),
            "conversations/send",
            reply("q-lucia", lucia),
        )
        .await;
    assert_eq!(res.status(), 403, "sent as someone else");
    assert_eq!(stored_with_key(&app, "q-lucia").await, 0);
    // The same call as its own author goes: the refusal was the author's, nothing else.
    let own: MessageView = app
        .ok(
            &admin.cookie,
            "conversations/send",
            reply("q-admin", agent_id(&app, ADMIN).await),
        )
        .await;
    assert_eq!(own.body, "Escrito sin conexión");

    // Her own, as her: stored.
    let her = app.sign_in(LUCIA).await;
    let sent: MessageView = app
        .ok(&her.cookie, "conversations/send", reply("q-lucia", lucia))
        .await;
    assert_eq!(sent.body, "Escrito sin conexión");
    assert_eq!(stored_with_key(&app, "q-lucia").await, 1);
}

/// What lets the page and the worker both send a queued reply: the key's unique index
/// holds for copies that arrive together, not only for a retry after an answer.
async fn the_page_and_the_worker_sending_at_once_store_it_once(app: TestApp) {
    let id = web_chat_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let author = agent_id(&app, LUCIA).await;
    for round in 0..5 {
        let key = format!("q-race-{round}");
        let body = json!({"conversation_id": id, "body": format!("Vuelta {round}"),
                          "private": false, "idempotency_key": key, "mentions": [],
                          "written_by": author});
        let sends =
            (0..4).map(|_| app.call_json(Some(&lucia.cookie), "conversations/send", body.clone()));
        let answers = futures::future::join_all(sends).await;
        let mut ids = Vec::new();
        for res in answers {
            assert_eq!(res.status(), 200, "every copy gets the stored message");
            ids.push(res.json::<MessageView>().await.unwrap().id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1, "one message for every copy: {ids:?}");
        assert_eq!(stored_with_key(&app, &key).await, 1);
    }
}
