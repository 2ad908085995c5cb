//! Automatic assignment (issue 27): a conversation a visitor opens goes to the next
//! online member of the inbox with room, in turn; nobody fits, nobody gets it; under
//! concurrent arrivals nobody goes over the limit and no conversation is given twice.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::error::AppError;

mod own_limit;

on_both_backends!(
    round_robin_over_online_members_with_room,
    concurrent_arrivals_respect_the_limit,
    the_picked_agent_is_told_once,
);

async fn set_online(app: &TestApp, email: &str, availability: &str) {
    sqlx::query("UPDATE agents SET availability = $1 WHERE email = $2")
        .bind(availability)
        .bind(email)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
}

/// A new visitor writes to the inbox: the assignee of the conversation she opens.
async fn visitor_writes(app: &TestApp, token: &str, name: &str) -> Option<i64> {
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": name, "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    sqlx::query_scalar("SELECT assignee_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The demo's web chat inbox.
async fn web_chat_inbox(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The agent's open conversations in the inbox (what the inbox's limit counts).
async fn open_of(app: &TestApp, agent: i64, inbox: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE assignee_id = $1 AND inbox_id = $2 AND status = 'open'",
    )
    .bind(agent)
    .bind(inbox)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn save(
    app: &TestApp,
    cookie: &str,
    inbox: i64,
    enabled: bool,
    limit: i64,
) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "team/save_inbox_assignment",
        json!({"id": inbox, "enabled": enabled, "limit": limit}),
    )
    .await
}

async fn round_robin_over_online_members_with_room(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia_session = app.sign_in(LUCIA).await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let inbox = web_chat_inbox(&app).await;
    let token = app.web_chat_token().await;
    // The demo's inboxes start with it off: nobody gets the visitor.
    set_online(&app, LUCIA, "online").await;
    set_online(&app, MARCOS, "online").await;
    assert_eq!(visitor_writes(&app, &token, "Antes").await, None);
    let (on, _): (bool, i64) = app
        .ok(&admin.cookie, "team/inbox_assignment", json!({"id": inbox}))
        .await;
    assert!(!on);

    // Bad settings change nothing; only administrators set them.
    for limit in [-1, 1001] {
        let res = save(&app, &admin.cookie, inbox, true, limit).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation("limit", "invalid")
        );
    }
    assert_eq!(
        save(&app, &lucia_session.cookie, inbox, true, 0)
            .await
            .status(),
        403
    );
    assert_eq!(visitor_writes(&app, &token, "Sigue apagada").await, None);

    // On, no limit: the two online members take turns.
    assert_eq!(
        save(&app, &admin.cookie, inbox, true, 0).await.status(),
        200
    );
    let mut got = Vec::new();
    for k in 0..4 {
        got.push(visitor_writes(&app, &token, &format!("Turno {k}")).await);
    }
    assert!(
        got.iter().all(|a| *a == Some(lucia) || *a == Some(marcos)),
        "{got:?}"
    );
    assert_ne!(got[0], got[1]);
    assert_eq!((got[0], got[1]), (got[2], got[3]), "{got:?}");

    // A limit Lucía has reached: she is skipped, whoever's turn it is.
    let limit = open_of(&app, lucia, inbox).await;
    while open_of(&app, marcos, inbox).await >= limit {
        sqlx::query(
            "UPDATE conversations SET assignee_id = NULL WHERE id = \
             (SELECT MIN(id) FROM conversations WHERE assignee_id = $1 AND inbox_id = $2 AND status = 'open')",
        )
        .bind(marcos)
        .bind(inbox)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    assert_eq!(
        save(&app, &admin.cookie, inbox, true, limit).await.status(),
        200
    );
    let (on, saved): (bool, i64) = app
        .ok(&admin.cookie, "team/inbox_assignment", json!({"id": inbox}))
        .await;
    assert_eq!((on, saved), (true, limit));
    assert_eq!(
        visitor_writes(&app, &token, "Con límite").await,
        Some(marcos)
    );
    assert!(open_of(&app, lucia, inbox).await <= limit);

    // Away or busy is not online: nobody gets it.
    set_online(&app, LUCIA, "busy").await;
    set_online(&app, MARCOS, "offline").await;
    assert_eq!(visitor_writes(&app, &token, "Nadie").await, None);
}

async fn concurrent_arrivals_respect_the_limit(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    // A new inbox hands its conversations out by itself.
    let inbox: i64 = app
        .ok(
            &admin.cookie,
            "team/create_inbox",
            json!({"name": "Ventas", "channel": "web_chat"}),
        )
        .await;
    let (on, limit): (bool, i64) = app
        .ok(&admin.cookie, "team/inbox_assignment", json!({"id": inbox}))
        .await;
    assert_eq!((on, limit), (true, 0));
    for agent in [lucia, marcos] {
        let _: () = app
            .ok(
                &admin.cookie,
                "team/set_member",
                json!({"inbox_id": inbox, "agent_id": agent, "member": true}),
            )
            .await;
    }
    assert_eq!(
        save(&app, &admin.cookie, inbox, true, 1).await.status(),
        200
    );
    set_online(&app, LUCIA, "online").await;
    set_online(&app, MARCOS, "online").await;
    let token: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // Their open conversations in other inboxes do not count against this one's limit.
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE assignee_id IN ($1, $2) AND status = 'open'",
    )
    .bind(lucia)
    .bind(marcos)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(elsewhere > 0, "the demo gives them open conversations");
    let arrivals = (0..6).map(|k| {
        let (app, token) = (&app, token.clone());
        async move { visitor_writes(app, &token, &format!("Cliente {k}")).await }
    });
    let got = futures::future::join_all(arrivals).await;
    let given: Vec<i64> = got.iter().flatten().copied().collect();
    assert_eq!(given.len(), 2, "one each, then nobody has room: {got:?}");
    assert!(given.contains(&lucia) && given.contains(&marcos), "{got:?}");
    assert_eq!(open_of(&app, lucia, inbox).await, 1);
    assert_eq!(open_of(&app, marcos, inbox).await, 1);
}

/// Picked for a conversation a visitor opens, she is told of it once (assigned to her,
/// with its activity line naming her), not of its first message as well; the visitor's
/// next message is a reply she hears of.
async fn the_picked_agent_is_told_once(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.agent_id(LUCIA).await;
    let inbox = web_chat_inbox(&app).await;
    let token = app.web_chat_token().await;
    set_online(&app, LUCIA, "online").await;
    set_online(&app, MARCOS, "offline").await;
    assert_eq!(
        save(&app, &admin.cookie, inbox, true, 0).await.status(),
        200
    );
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": "Una vez", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let kinds = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT kind FROM notifications WHERE agent_id = $1 AND conversation_id = $2 ORDER BY id",
            )
            .bind(lucia)
            .bind(conversation)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(kinds(&app).await, ["assigned"]);
    let line: String = sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = $1 AND direction = 'activity'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(line, "→ Lucía Fernández");

    let _: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": sent.visitor, "body": "¿Sigues ahí?", "name": null, "email": null}),
        )
        .await;
    assert_eq!(kinds(&app).await, ["assigned", "customer_reply"]);
}
