//! Agent bots (issue 30), on both databases: an administrator connects a bot to an
//! inbox; its new conversations start pending; the bot hears of the customer's
//! messages at its URL (signed), answers through the API with its own token (and
//! nothing else), and hands the conversation to the team by opening it, as does a
//! customer who asks for a person.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes, say};
use crate::helpers::*;
use crate::on_both_backends;
use crate::webhooks::{start_receiver, verify, wait_for};

on_both_backends!(
    a_bot_answers_first_and_hands_over,
    a_customer_who_asks_for_a_person_goes_to_the_team,
    bots_are_the_administrators_to_change,
    what_the_team_took_stays_with_the_team,
);

/// A bot connected to a new API inbox: (bot JSON, inbox JSON, Client API base, signing secret).
async fn bot_inbox(app: &TestApp, admin: &str, url: &str) -> (Value, Value, String, String) {
    let account = app.account_id().await;
    let (inbox, base) = api_inbox(app, admin, "").await;
    let (status, bot) = call(
        app,
        Some(admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/agent_bots"),
        Some(
            json!({"name": "Botón", "description": "Responde lo de siempre", "outgoing_url": url}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{bot}");
    assert_eq!(bot["bot_type"], "webhook");
    assert!(bot["access_token"].as_str().is_some_and(|t| t.len() > 20));
    let (status, _) = call(
        app,
        Some(admin),
        Method::POST,
        &format!(
            "/api/v1/accounts/{account}/inboxes/{}/set_agent_bot",
            inbox["id"]
        ),
        Some(json!({"agent_bot": bot["id"]})),
    )
    .await;
    assert_eq!(status, 204);
    let signed = app.sign_in(ADMIN).await;
    let bots: Vec<app::chatwoot::bots::model::AgentBotView> =
        app.ok(&signed.cookie, "bots/list", json!({})).await;
    let mine = bots.iter().find(|b| json!(b.id) == bot["id"]).unwrap();
    assert_eq!(json!(mine.inbox_ids), json!([inbox["id"]]));
    (bot, inbox, base, mine.secret.clone())
}

async fn status_of(app: &TestApp, token: &str, number: i64) -> Value {
    let account = app.account_id().await;
    let (_, conversation) = call(
        app,
        Some(token),
        Method::GET,
        &format!("/api/v1/accounts/{account}/conversations/{number}"),
        None,
    )
    .await;
    conversation["status"].clone()
}

async fn a_bot_answers_first_and_hands_over(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: String| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let (url, receiver) = start_receiver(0).await;
    let (bot, inbox, base, secret) = bot_inbox(&app, &admin, &url).await;
    let token = bot["access_token"].as_str().unwrap().to_owned();
    let (status, connected) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(format!("/inboxes/{}/agent_bot", inbox["id"])),
        None,
    )
    .await;
    assert_eq!((status.as_u16(), &connected["id"]), (200, &bot["id"]));

    let (number, _) = customer_writes(&app, &base, &["¿Tenéis la talla M?"]).await;
    assert_eq!(status_of(&app, &admin, number).await, "pending");
    let (_, heard, body) = wait_for(&receiver, 0, |b| {
        b["event"] == "message_created" && b["message_type"] == "incoming"
    })
    .await;
    verify(&secret, &heard);
    assert_eq!(body["content"], "¿Tenéis la talla M?");
    assert_eq!(body["conversation"]["status"], "pending");
    assert_eq!(body["conversation"]["id"], number);

    // The bot answers with its own token: marked as the bot's, wherever it is read.
    let messages = at(format!("/conversations/{number}/messages"));
    let (status, reply) = call(
        &app,
        Some(&token),
        Method::POST,
        &messages,
        Some(json!({"content": "Sí, la M está disponible", "message_type": "outgoing"})),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["sender"]["type"], "agent_bot");
    assert_eq!(reply["sender"]["name"], "Botón");
    let (_, history) = call(&app, Some(&admin), Method::GET, &messages, None).await;
    let mine = history["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == reply["id"])
        .unwrap()
        .clone();
    assert_eq!(mine["sender"]["type"], "agent_bot");
    assert_eq!(
        status_of(&app, &admin, number).await,
        "pending",
        "still the bot's"
    );

    // Its token opens nothing else: not the lists, not other inboxes' conversations.
    let (status, _) = call(
        &app,
        Some(&token),
        Method::GET,
        &at("/conversations".into()),
        None,
    )
    .await;
    assert_eq!(status, 401);
    let other: i64 = sqlx::query_scalar(
        "SELECT display_id FROM conversations WHERE inbox_id <> $1 ORDER BY id LIMIT 1",
    )
    .bind(inbox["id"].as_i64().unwrap())
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let (status, _) = call(
        &app,
        Some(&token),
        Method::POST,
        &at(format!("/conversations/{other}/messages")),
        Some(json!({"content": "hola"})),
    )
    .await;
    assert_eq!(status, 404);

    // The hand-off: the bot opens it; the team sees it said, the bot hears of it.
    let (status, toggled) = call(
        &app,
        Some(&token),
        Method::POST,
        &at(format!("/conversations/{number}/toggle_status")),
        Some(json!({"status": "open"})),
    )
    .await;
    assert_eq!(status, 200, "{toggled}");
    assert_eq!(toggled["payload"]["current_status"], "open");
    let (_, history) = call(&app, Some(&admin), Method::GET, &messages, None).await;
    let said = history["payload"].as_array().unwrap();
    assert!(
        said.iter()
            .any(|m| m["message_type"] == 2 && m["content"] == "→ Botón"),
        "{said:?}"
    );
    let (_, opened, _) = wait_for(&receiver, 0, |b| b["event"] == "conversation_opened").await;
    verify(&secret, &opened);
    crate::bot_assignments::hands_to_a_team_and_an_agent(&app, &token, number).await;
    crate::bot_assignments::says_it_is_writing(&app, &token, number).await;
}

async fn a_customer_who_asks_for_a_person_goes_to_the_team(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let (url, _receiver) = start_receiver(0).await;
    let (_, _, base, _) = bot_inbox(&app, &admin, &url).await;
    let (number, thread) = customer_writes(&app, &base, &["Hola, una pregunta sobre envíos"]).await;
    assert_eq!(status_of(&app, &admin, number).await, "pending");
    say(&app, &thread, "Quiero hablar con una persona").await;
    assert_eq!(status_of(&app, &admin, number).await, "open");
    let account = app.account_id().await;
    let (_, history) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/accounts/{account}/conversations/{number}/messages"),
        None,
    )
    .await;
    let handed = history["payload"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["message_type"] == 2 && m["content"] == "→ 👤")
        .count();
    assert_eq!(handed, 1, "{history}");

    // Resolved and written to again, it goes back to the bot first.
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/conversations/{number}/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    say(&app, &thread, "Otra cosa más").await;
    assert_eq!(status_of(&app, &admin, number).await, "pending");
}

async fn bots_are_the_administrators_to_change(app: TestApp) {
    let account = app.account_id().await;
    let bots = format!("/api/v1/accounts/{account}/agent_bots");
    let admin = app.api_token(ADMIN).await;
    let agent = app.api_token(LUCIA).await;
    let (url, _receiver) = start_receiver(0).await;
    let (status, _) = call(
        &app,
        Some(&agent),
        Method::POST,
        &bots,
        Some(json!({"name": "Mío", "outgoing_url": url})),
    )
    .await;
    assert_eq!(status, 403);
    let (bot, _, base, _) = bot_inbox(&app, &admin, &url).await;
    let (status, seen) = call(&app, Some(&agent), Method::GET, &bots, None).await;
    assert_eq!(status, 200);
    assert_eq!(seen[0]["name"], "Botón");
    assert!(
        seen[0].get("access_token").is_none(),
        "the token is the administrators'"
    );

    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agent_bots")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let before = count().await;
    for (body, field) in [
        (json!({"name": "", "outgoing_url": url}), "name"),
        (json!({"name": "Sin URL"}), "outgoing_url"),
        (
            json!({"name": "FTP", "outgoing_url": "ftp://bots.example"}),
            "outgoing_url",
        ),
    ] {
        let (status, refused) = call(&app, Some(&admin), Method::POST, &bots, Some(body)).await;
        assert_eq!(
            (status.as_u16(), &refused["attributes"]),
            (422, &json!([field]))
        );
    }
    assert_eq!(count().await, before, "nothing made");

    // A regenerated token ends the old one; a removed bot's token opens nothing, and
    // what it wrote still says it was the bot.
    let old = bot["access_token"].as_str().unwrap().to_owned();
    let (number, _) = customer_writes(&app, &base, &["Hola"]).await;
    let messages = format!("/api/v1/accounts/{account}/conversations/{number}/messages");
    let (status, _) = call(
        &app,
        Some(&old),
        Method::POST,
        &messages,
        Some(json!({"content": "Hola, soy un bot"})),
    )
    .await;
    assert_eq!(status, 200);
    let id = bot["id"].as_i64().unwrap();
    let (_, fresh) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("{bots}/{id}/reset_access_token"),
        None,
    )
    .await;
    let new = fresh["access_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let (status, _) = call(
        &app,
        Some(&old),
        Method::POST,
        &messages,
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("{bots}/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Some(&new),
        Method::POST,
        &messages,
        Some(json!({"content": "x"})),
    )
    .await;
    assert_eq!(status, 401);
    let (_, history) = call(&app, Some(&admin), Method::GET, &messages, None).await;
    let by_bot = history["payload"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["sender"]["type"] == "agent_bot" && m["sender"]["name"] == "Botón")
        .count();
    assert_eq!(by_bot, 1);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("{bots}/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// A snoozed conversation (the team had it) opens for the team when the customer writes,
/// not for the bot; and a conversation pending with a bot that is then removed goes to
/// the team at the customer's next message instead of waiting for nobody.
async fn what_the_team_took_stays_with_the_team(app: TestApp) {
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let (url, _receiver) = start_receiver(0).await;
    let (bot, _, base, _) = bot_inbox(&app, &admin, &url).await;
    let toggle = |number: i64, status: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let (code, _) = call(
                app,
                Some(&admin),
                Method::POST,
                &format!("/api/v1/accounts/{account}/conversations/{number}/toggle_status"),
                Some(json!({"status": status})),
            )
            .await;
            assert_eq!(code, 200);
        }
    };
    let (number, thread) = customer_writes(&app, &base, &["Hola"]).await;
    toggle(number, "open").await;
    toggle(number, "snoozed").await;
    say(&app, &thread, "¿Seguís ahí?").await;
    assert_eq!(status_of(&app, &admin, number).await, "open");

    let (second, thread) = customer_writes(&app, &base, &["Hola otra vez"]).await;
    assert_eq!(status_of(&app, &admin, second).await, "pending");
    let (code, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &format!("/api/v1/accounts/{account}/agent_bots/{}", bot["id"]),
        None,
    )
    .await;
    assert_eq!(code, 200);
    say(&app, &thread, "¿Hay alguien?").await;
    assert_eq!(status_of(&app, &admin, second).await, "open");
}
