//! Availability that follows the open app, and what automatic assignment does with it
//! (issue 27): an agent is online while a tab of hers is open and in use, away when
//! the last one closes or every one goes idle ("busy" is hers alone); a conversation
//! left waiting goes to the first agent who comes online; one the customer reopens
//! while her agent is away goes to the next online member (of its team, when it has
//! one). Every change of hands writes an activity line, manual or automatic.
use std::time::Duration;

use futures::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use app::conversations::model::{ConversationSummary, MessageExtra};
use app::domain::Availability;
use app::events::{LiveEvent, ServerFrame};
use app::live::presence::PresenceRules;

macro_rules! with_presence {
    ($($name:ident = $rules:expr),+ $(,)?) => {$(
        mod $name {
            use $crate::helpers::{spawn_app_with, Backend};

            fn adjust(config: &mut server::Config) {
                config.presence = $rules;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(spawn_app_with(Backend::Sqlite, adjust).await.unwrap()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app_with(Backend::Postgres, adjust).await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

with_presence!(
    the_open_app_sets_availability = super::RULES,
    an_idle_tab_is_away_until_used = super::IDLE_SOON,
    a_waiting_conversation_goes_to_the_first_agent_online = super::RULES,
    a_reopened_conversation_leaves_an_away_agent = super::RULES,
    every_change_of_hands_writes_an_activity_line = super::RULES,
);

/// A short grace after the last tab closes; tabs never idle (tests use no input).
const RULES: PresenceRules = PresenceRules {
    automatic: true,
    away_grace: Duration::from_millis(300),
    idle_after: None,
    heartbeat: Duration::from_secs(1),
};

/// A tab idle after a second and a half without use.
const IDLE_SOON: PresenceRules = PresenceRules {
    idle_after: Some(Duration::from_millis(1500)),
    ..RULES
};

async fn availability(app: &TestApp, email: &str) -> Availability {
    let text: String = sqlx::query_scalar("SELECT availability FROM agents WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    Availability::parse(&text).unwrap()
}

/// Waits (up to 10 s: a guard against hanging, not a timing check) for a condition.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

async fn becomes(app: &TestApp, email: &str, wanted: Availability) {
    until(&format!("{email} {wanted:?}"), || async {
        availability(app, email).await == wanted
    })
    .await;
}

/// The next availability change on a socket (other frames skipped).
async fn next_availability(socket: &mut Socket) -> (i64, Availability) {
    loop {
        if let ServerFrame::Event(event) = next_frame(socket).await {
            if let LiveEvent::AgentAvailabilityChanged {
                agent_id,
                availability,
            } = event.event
            {
                return (agent_id, availability);
            }
        }
    }
}

async fn open_tab(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = app.socket(Some(cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    socket
}

async fn the_open_app_sets_availability(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let mut watching = open_tab(&app, &admin.cookie).await;
    // The administrator's own tab puts her online first.
    let admin_id = app.agent_id(ADMIN).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (admin_id, Availability::Online)
    );
    assert_eq!(availability(&app, LUCIA).await, Availability::Offline);

    // She opens the app: online, and her teammates see it live.
    let first = open_tab(&app, &lucia.cookie).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Online)
    );
    assert_eq!(availability(&app, LUCIA).await, Availability::Online);

    // A second tab; closing one of the two leaves her online.
    let mut second = open_tab(&app, &lucia.cookie).await;
    drop(first);
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, LUCIA).await, Availability::Online);

    // The last one closes: away once the grace period is over.
    second.close(None).await.unwrap();
    drop(second);
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Offline)
    );
    assert_eq!(availability(&app, LUCIA).await, Availability::Offline);

    // A reload (closed and opened again within the grace period) changes nothing.
    let tab = open_tab(&app, &lucia.cookie).await;
    becomes(&app, LUCIA, Availability::Online).await;
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Online)
    );
    drop(tab);
    let _again = open_tab(&app, &lucia.cookie).await;
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, LUCIA).await, Availability::Online);
    assert_silent(&mut watching).await;

    // "Busy" is hers: neither opening nor closing the app changes it.
    let res = app
        .call(
            Some(&lucia.cookie),
            "set_availability",
            &[("availability", "busy")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        next_availability(&mut watching).await,
        (lucia_id, Availability::Busy)
    );
    drop(_again);
    tokio::time::sleep(RULES.away_grace * 3).await;
    let _back = open_tab(&app, &lucia.cookie).await;
    tokio::time::sleep(RULES.away_grace * 3).await;
    assert_eq!(availability(&app, LUCIA).await, Availability::Busy);
    assert_silent(&mut watching).await;
}

async fn an_idle_tab_is_away_until_used(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let mut tab = open_tab(&app, &lucia.cookie).await;
    becomes(&app, LUCIA, Availability::Online).await;
    // Nobody uses it for the idle time: away, with the tab still open.
    becomes(&app, LUCIA, Availability::Offline).await;
    // She comes back to it.
    tab.send(Message::Text(r#"{"frame":"active"}"#.into()))
        .await
        .unwrap();
    becomes(&app, LUCIA, Availability::Online).await;
    // Anything else a tab might send changes nothing.
    tab.send(Message::Text(r#"{"frame":"nonsense"}"#.into()))
        .await
        .unwrap();
    tab.send(Message::Text("not json".into())).await.unwrap();
    becomes(&app, LUCIA, Availability::Offline).await;
}

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
    becomes(&app, LUCIA, Availability::Online).await;
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
    becomes(&app, LUCIA, Availability::Offline).await;
    let marcos = app.sign_in(MARCOS).await;
    let _marcos_tab = open_tab(&app, &marcos.cookie).await;
    becomes(&app, MARCOS, Availability::Online).await;
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
