//! Automatic assignment meeting availability: a conversation left waiting goes to
//! the first agent who comes online; one the customer reopens while her agent is away
//! goes to the next online member (of its team, when it has one); every change of
//! hands writes an activity line, manual or automatic.
use serde_json::json;

use super::support::{becomes, open_tab, until, with_presence};
use super::RULES;
use crate::helpers::*;
use app::conversations::model::{ConversationSummary, MessageExtra};
use app::domain::Availability;
use app::events::{LiveEvent, ServerFrame};

with_presence!(
    a_waiting_conversation_goes_to_the_first_agent_online = super::RULES,
    a_reopened_conversation_leaves_an_away_agent = super::RULES,
    every_change_of_hands_writes_an_activity_line = super::RULES,
);

/// The demo's web-chat inbox with automatic assignment on, worked by Lucía and Marcos,
/// with nothing open in it yet (the demo's conversations there resolved).
async fn auto_inbox(app: &TestApp, admin: &str) -> i64 {
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE conversations SET status = 'resolved' WHERE inbox_id = $1")
        .bind(inbox)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for email in [LUCIA, MARCOS] {
        let agent = app.agent_id(email).await;
        let res = app
            .call_json(
                Some(admin),
                "team/set_member",
                json!({"inbox_id": inbox, "agent_id": agent, "member": true}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let res = app
        .call_json(
            Some(admin),
            "team/save_inbox_assignment",
            json!({"id": inbox, "enabled": true, "limit": 0}),
        )
        .await;
    assert_eq!(res.status(), 200);
    inbox
}

/// A new visitor writes: her conversation and its token.
async fn visitor_writes(app: &TestApp, token: &str, name: &str) -> (i64, String) {
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": name, "email": null}),
        )
        .await;
    (
        app.conversation_of_message(sent.message.id).await,
        sent.visitor,
    )
}

async fn assignee(app: &TestApp, conversation: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT assignee_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The conversation's activity lines about hands, oldest first.
async fn hands(app: &TestApp, conversation: i64) -> Vec<MessageExtra> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT content_attributes FROM messages WHERE conversation_id = $1 AND direction = 'activity' ORDER BY id",
    )
    .bind(conversation)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    rows.iter()
        .map(|json| serde_json::from_str(json).unwrap())
        .filter(|extra| {
            matches!(
                extra,
                MessageExtra::Assigned { .. } | MessageExtra::TeamChanged { .. }
            )
        })
        .collect()
}

fn auto(name: &str) -> MessageExtra {
    MessageExtra::Assigned {
        assignee: Some(name.into()),
        by: None,
    }
}

async fn name_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT COALESCE(display_name, name) FROM agents WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn a_waiting_conversation_goes_to_the_first_agent_online(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let inbox = auto_inbox(&app, &admin.cookie).await;
    let token = app.web_chat_token().await;
    // Nobody online: both wait, unassigned, oldest first.
    let (older, _) = visitor_writes(&app, &token, "Primera").await;
    let (newer, _) = visitor_writes(&app, &token, "Segunda").await;
    assert_eq!(assignee(&app, older).await, None);
    assert_eq!(assignee(&app, newer).await, None);
    // One of them already has someone: the limit of one counts it.
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/save_inbox_assignment",
            json!({"id": inbox, "enabled": true, "limit": 1}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Marcos opens the app: he gets the oldest waiting, and only it (his limit).
    let marcos = app.sign_in(MARCOS).await;
    let marcos_id = app.agent_id(MARCOS).await;
    let mut tab = open_tab(&app, &marcos.cookie).await;
    until("the oldest goes to Marcos", || async {
        assignee(&app, older).await == Some(marcos_id)
    })
    .await;
    // His socket hears the change and the activity line.
    let mut heard = (false, false);
    while heard != (true, true) {
        if let ServerFrame::Event(event) = next_frame(&mut tab).await {
            match event.event {
                LiveEvent::ConversationChanged { conversation, .. } if conversation.id == older => {
                    assert_eq!(conversation.assignee_id, Some(marcos_id));
                    heard.0 = true;
                }
                LiveEvent::MessageCreated { message } if message.conversation_id == older => {
                    assert_eq!(message.extra, Some(auto(&name_of(&app, MARCOS).await)));
                    heard.1 = true;
                }
                _ => {}
            }
        }
    }
    assert_eq!(assignee(&app, newer).await, None);
    assert_eq!(
        hands(&app, older).await,
        vec![auto(&name_of(&app, MARCOS).await)]
    );
    assert!(hands(&app, newer).await.is_empty());

    // Lucía sets herself online by hand: the next one waiting is hers.
    let lucia = app.sign_in(LUCIA).await;
    let res = app
        .call(
            Some(&lucia.cookie),
            "set_availability",
            &[("availability", "online")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let lucia_id = app.agent_id(LUCIA).await;
    until("the newer goes to Lucía", || async {
        assignee(&app, newer).await == Some(lucia_id)
    })
    .await;
    assert_eq!(assignee(&app, older).await, Some(marcos_id));
}

async fn a_reopened_conversation_leaves_an_away_agent(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    auto_inbox(&app, &admin.cookie).await;
    let token = app.web_chat_token().await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let marcos_id = app.agent_id(MARCOS).await;
    // Lucía alone online: the visitor's conversation is hers.
    let lucias_tab = open_tab(&app, &lucia.cookie).await;
    becomes(&app, lucia_id, Availability::Online).await;
    let (conversation, visitor) = visitor_writes(&app, &token, "Vuelve").await;
    assert_eq!(assignee(&app, conversation).await, Some(lucia_id));
    let snoozed: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/status",
            json!({"id": conversation, "status": "snoozed", "snoozed_until": null}),
        )
        .await;
    assert_eq!(snoozed.assignee_id, Some(lucia_id));

    // She closes the app; Marcos opens it; the customer writes again.
    drop(lucias_tab);
    becomes(&app, lucia_id, Availability::Offline).await;
    let marcos = app.sign_in(MARCOS).await;
    let _marcos_tab = open_tab(&app, &marcos.cookie).await;
    becomes(&app, marcos_id, Availability::Online).await;
    let again = |body: &'static str| {
        let (token, visitor) = (token.clone(), visitor.clone());
        let app = &app;
        async move {
            let _: app::widget::WidgetSent = app
                .ok(
                    "",
                    "widget/send",
                    json!({"token": token, "visitor": visitor, "body": body, "name": null, "email": null}),
                )
                .await;
        }
    };
    again("¿Hola?").await;
    assert_eq!(assignee(&app, conversation).await, Some(marcos_id));
    let (lucia_name, marcos_name) = (name_of(&app, LUCIA).await, name_of(&app, MARCOS).await);
    assert_eq!(
        hands(&app, conversation).await,
        vec![auto(&lucia_name), auto(&marcos_name)]
    );

    // In a team's queue, only its members are the pool: Lucía's team, Lucía away,
    // Marcos online: it stays with Lucía rather than going outside the team.
    let team: app::teams::Team = app
        .ok(
            &admin.cookie,
            "teams/save",
            json!({"id": null, "name": "Cobros", "description": ""}),
        )
        .await;
    let _: app::teams::Team = app
        .ok(
            &admin.cookie,
            "teams/members",
            json!({"id": team.id, "agent_ids": [lucia_id]}),
        )
        .await;
    let _: ConversationSummary = app
        .ok(
            &admin.cookie,
            "conversations/team",
            json!({"id": conversation, "team_id": team.id}),
        )
        .await;
    let _: ConversationSummary = app
        .ok(
            &admin.cookie,
            "conversations/assign",
            json!({"id": conversation, "assignee_id": lucia_id}),
        )
        .await;
    let _: ConversationSummary = app
        .ok(
            &admin.cookie,
            "conversations/status",
            json!({"id": conversation, "status": "snoozed", "snoozed_until": null}),
        )
        .await;
    again("¿Sigue ahí?").await;
    assert_eq!(assignee(&app, conversation).await, Some(lucia_id));
    assert_eq!(
        hands(&app, conversation).await.len(),
        2 + 2,
        "team and assignment by hand only"
    );
}

async fn every_change_of_hands_writes_an_activity_line(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let token = app.web_chat_token().await;
    let (one, _) = visitor_writes(&app, &token, "Una").await;
    let (two, _) = visitor_writes(&app, &token, "Dos").await;
    let lucia_id = app.agent_id(LUCIA).await;
    let admin_name = name_of(&app, ADMIN).await;
    let lucia_name = name_of(&app, LUCIA).await;
    let by_admin = |assignee: Option<&str>| MessageExtra::Assigned {
        assignee: assignee.map(str::to_owned),
        by: Some(admin_name.clone()),
    };
    let mut socket = open_tab(&app, &admin.cookie).await;

    // By hand: assigned, assigned again to the same (nothing to say), unassigned.
    for assignee_id in [Some(lucia_id), Some(lucia_id), None] {
        let _: ConversationSummary = app
            .ok(
                &admin.cookie,
                "conversations/assign",
                json!({"id": one, "assignee_id": assignee_id}),
            )
            .await;
    }
    assert_eq!(
        hands(&app, one).await,
        vec![by_admin(Some(&lucia_name)), by_admin(None)]
    );
    // The line reaches the open conversation live, after the change itself.
    let mut order = Vec::new();
    while order.len() < 2 {
        if let ServerFrame::Event(event) = next_frame(&mut socket).await {
            match event.event {
                LiveEvent::ConversationChanged { .. } => order.push("changed"),
                LiveEvent::MessageCreated { message } => {
                    assert_eq!(message.extra, Some(by_admin(Some(&lucia_name))));
                    order.push("line");
                }
                _ => {}
            }
        }
    }
    assert_eq!(order, ["changed", "line"]);

    // A team, set and taken away.
    let team: app::teams::Team = app
        .ok(
            &admin.cookie,
            "teams/save",
            json!({"id": null, "name": "Ventas", "description": ""}),
        )
        .await;
    for team_id in [Some(team.id), None] {
        let _: ConversationSummary = app
            .ok(
                &admin.cookie,
                "conversations/team",
                json!({"id": one, "team_id": team_id}),
            )
            .await;
    }
    let team_line = |team: Option<&str>| MessageExtra::TeamChanged {
        team: team.map(str::to_owned),
        by: Some(admin_name.clone()),
    };
    assert_eq!(
        hands(&app, one).await[2..],
        [team_line(Some("Ventas")), team_line(None)]
    );

    // In bulk: one line per conversation whose assignee changed.
    let _: ConversationSummary = app
        .ok(
            &admin.cookie,
            "conversations/assign",
            json!({"id": two, "assignee_id": lucia_id}),
        )
        .await;
    let before_two = hands(&app, two).await.len();
    let _: app::conversations::model::BulkOutcome = app
        .ok(
            &admin.cookie,
            "conversations/bulk",
            json!({"ids": [one, two], "action": {"kind": "assign", "assignee_id": lucia_id}}),
        )
        .await;
    assert_eq!(
        hands(&app, one).await.last(),
        Some(&by_admin(Some(&lucia_name)))
    );
    assert_eq!(
        hands(&app, two).await.len(),
        before_two,
        "two was already hers"
    );
}
