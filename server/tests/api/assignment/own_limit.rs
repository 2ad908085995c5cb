//! An agent's own limit of open conversations (every inbox together): automatic
//! assignment skips her at it, and arrivals in several inboxes at once never take her
//! past it.
use serde_json::json;

use super::{open_of, save, set_online, visitor_writes, web_chat_inbox};
use crate::helpers::*;
use crate::on_both_backends;
use app::error::AppError;

on_both_backends!(
    an_agent_at_her_own_limit_is_skipped,
    her_own_limit_holds_across_inboxes_at_once,
);

/// Every open conversation of the agent, whatever the inbox (what her own limit counts).
async fn all_open_of(app: &TestApp, agent: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE assignee_id = $1 AND status = 'open'",
    )
    .bind(agent)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn an_agent_at_her_own_limit_is_skipped(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia_session = app.sign_in(LUCIA).await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let inbox = web_chat_inbox(&app).await;
    let token = app.web_chat_token().await;
    assert_eq!(
        save(&app, &admin.cookie, inbox, true, 0).await.status(),
        200
    );
    set_online(&app, LUCIA, "online").await;
    set_online(&app, MARCOS, "online").await;

    // Bad limits change nothing; only administrators set them; nobody else's agents.
    let capacity = |cookie: String, id: i64, max_open: i64| {
        let app = &app;
        async move {
            app.call_json(
                Some(&cookie),
                "team/set_capacity",
                json!({"id": id, "max_open": max_open}),
            )
            .await
        }
    };
    for bad in [-1, 1001] {
        let res = capacity(admin.cookie.clone(), lucia, bad).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation("max_open", "capacity_out_of_range")
        );
    }
    assert_eq!(
        capacity(lucia_session.cookie.clone(), lucia, 1)
            .await
            .status(),
        403
    );
    assert_eq!(
        capacity(admin.cookie.clone(), 999_999, 1).await.status(),
        404
    );
    let members: Vec<app::agents::TeamMember> =
        app.ok(&admin.cookie, "team/members", json!({})).await;
    assert!(members.iter().all(|m| m.max_open == 0), "{members:?}");

    // Her limit counts what she has open in every inbox: with one more in WhatsApp she
    // is at it, and skipped here although this inbox has no limit; Marcos takes all.
    sqlx::query(
        "UPDATE conversations SET assignee_id = $1 WHERE status = 'open' AND assignee_id IS NULL \
         AND inbox_id = (SELECT id FROM inboxes WHERE channel_kind = 'whatsapp')",
    )
    .bind(lucia)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let limit = all_open_of(&app, lucia).await;
    assert!(
        limit > open_of(&app, lucia, inbox).await,
        "the other inbox counts"
    );
    assert_eq!(
        capacity(admin.cookie.clone(), lucia, limit).await.status(),
        200
    );
    let members: Vec<app::agents::TeamMember> =
        app.ok(&admin.cookie, "team/members", json!({})).await;
    let saved = members.iter().find(|m| m.profile.id == lucia).unwrap();
    assert_eq!(saved.max_open, limit);
    for k in 0..3 {
        assert_eq!(
            visitor_writes(&app, &token, &format!("Lleno {k}")).await,
            Some(marcos)
        );
    }
    assert_eq!(all_open_of(&app, lucia).await, limit);

    // Both full: it waits unassigned. Back to no limit: she takes turns again.
    assert_eq!(
        capacity(
            admin.cookie.clone(),
            marcos,
            all_open_of(&app, marcos).await
        )
        .await
        .status(),
        200
    );
    assert_eq!(visitor_writes(&app, &token, "Nadie con sitio").await, None);
    assert_eq!(capacity(admin.cookie.clone(), lucia, 0).await.status(), 200);
    assert_eq!(visitor_writes(&app, &token, "Otra vez").await, Some(lucia));
}

/// Customers writing again at once in two inboxes, to conversations nobody holds,
/// Lucía one place short of her own limit and Marcos (no limit) online too: she gets
/// exactly one of them (reopenings in different inboxes do not take turns by inbox, so
/// picks of her take turns by agent) and the pick that found her full goes on to
/// Marcos rather than leaving its conversation waiting.
async fn her_own_limit_holds_across_inboxes_at_once(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);
    let first = web_chat_inbox(&app).await;
    let second: i64 = app
        .ok(
            &admin.cookie,
            "team/create_inbox",
            json!({"name": "Ventas", "channel": "web_chat"}),
        )
        .await;
    // Four customers in each inbox, their conversations snoozed, nobody holding them.
    let mut customers = Vec::new();
    for inbox in [first, second] {
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
            save(&app, &admin.cookie, inbox, true, 0).await.status(),
            200
        );
        let token: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
            .bind(inbox)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        for k in 0..4 {
            let sent: app::widget::WidgetSent = app
                .ok(
                    "",
                    "widget/send",
                    json!({"token": token, "visitor": null, "body": "Hola", "name": format!("Vuelve {inbox} {k}"), "email": null}),
                )
                .await;
            let conversation = app.conversation_of_message(sent.message.id).await;
            sqlx::query(
                "UPDATE conversations SET status = 'snoozed', assignee_id = NULL WHERE id = $1",
            )
            .bind(conversation)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
            customers.push((token.clone(), sent.visitor, conversation));
        }
    }
    set_online(&app, LUCIA, "online").await;
    set_online(&app, MARCOS, "online").await;
    let limit = all_open_of(&app, lucia).await + 1;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/set_capacity",
            json!({"id": lucia, "max_open": limit}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let again = customers.iter().map(|(token, visitor, _)| {
        let app = &app;
        async move {
            let _: app::widget::WidgetSent = app
                .ok(
                    "",
                    "widget/send",
                    json!({"token": token, "visitor": visitor, "body": "¿Hola?", "name": null, "email": null}),
                )
                .await;
        }
    });
    futures::future::join_all(again).await;
    let mut assignees = Vec::new();
    for (_, _, conversation) in &customers {
        let assignee: Option<i64> =
            sqlx::query_scalar("SELECT assignee_id FROM conversations WHERE id = $1")
                .bind(conversation)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        assignees.push(assignee);
    }
    let to_lucia = assignees.iter().filter(|a| **a == Some(lucia)).count();
    assert_eq!(to_lucia, 1, "one place left: {assignees:?}");
    assert!(
        assignees.iter().all(|a| a.is_some()),
        "nobody left waiting while Marcos has room: {assignees:?}"
    );
    assert_eq!(all_open_of(&app, lucia).await, limit);
}
