//! What an agent bot's token may change besides writing and the status (issue 30):
//! Chatwoot lets it hand its conversation to a team's queue or an agent, set its
//! priority and say it is writing; only in the inboxes it is connected to.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::call;
use crate::helpers::*;

/// Chatwoot lets a bot's token hand its conversation to a team's queue or an agent
/// (`assignments`) and set its priority (`PATCH`); the activity lines name the bot.
pub(crate) async fn hands_to_a_team_and_an_agent(app: &TestApp, token: &str, number: i64) {
    let account = app.account_id().await;
    let at = |path: String| format!("/api/v1/accounts/{account}{path}");
    let signed = app.sign_in(ADMIN).await;
    let team: Value = app
        .ok(
            &signed.cookie,
            "teams/save",
            json!({"id": null, "name": "Tallas", "description": ""}),
        )
        .await;
    let assignments = at(format!("/conversations/{number}/assignments"));
    let (status, told) = call(
        app,
        Some(token),
        Method::POST,
        &assignments,
        Some(json!({"team_id": team["id"]})),
    )
    .await;
    assert_eq!(status, 200, "{told}");
    assert_eq!(told["name"], "Tallas");
    let admin_id = app.agent_id(ADMIN).await;
    let (status, told) = call(
        app,
        Some(token),
        Method::POST,
        &assignments,
        Some(json!({"assignee_id": admin_id})),
    )
    .await;
    assert_eq!(status, 200, "{told}");
    assert_eq!(told["id"], admin_id);
    let (status, refused) = call(
        app,
        Some(token),
        Method::POST,
        &assignments,
        Some(json!({"assignee_id": 999_999})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, updated) = call(
        app,
        Some(token),
        Method::PATCH,
        &at(format!("/conversations/{number}")),
        Some(json!({"priority": "high"})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["priority"], "high");
    let (team_id, assignee): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT team_id, assignee_id FROM conversations WHERE display_id = $1 AND account_id = $2",
    )
    .bind(number)
    .bind(account)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((team_id, assignee), (team["id"].as_i64(), Some(admin_id)));
    for kind in ["assigned", "team_changed"] {
        let by_bot: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id \
             WHERE c.display_id = $1 AND c.account_id = $2 AND m.direction = 'activity' \
             AND m.content_attributes LIKE $3 AND m.content_attributes LIKE $4",
        )
        .bind(number)
        .bind(account)
        .bind(format!("%\"kind\":\"{kind}\"%"))
        .bind("%\"by\":\"Botón\"%")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(by_bot, 1, "one {kind} line, naming the bot");
    }
    // Another inbox's conversation is not the bot's to hand over.
    let other = other_inbox_conversation(app, account, number).await;
    let (status, _) = call(
        app,
        Some(token),
        Method::POST,
        &at(format!("/conversations/{other}/assignments")),
        Some(json!({"team_id": team["id"]})),
    )
    .await;
    assert_eq!(status, 404);
}

/// `toggle_typing_status` with a bot's token: said under the bot's name (what the
/// widget, teammates and typing webhooks are told), only in its own conversations.
pub(crate) async fn says_it_is_writing(app: &TestApp, token: &str, number: i64) {
    use app::live::typing::Said;
    let account = app.account_id().await;
    let mut said = app.state.hub.subscribe_said();
    let path = format!("/api/v1/accounts/{account}/conversations/{number}/toggle_typing_status");
    let (status, _) = call(
        app,
        Some(token),
        Method::POST,
        &path,
        Some(json!({"typing_status": "on"})),
    )
    .await;
    assert_eq!(status, 200);
    let told = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Ok(signal) = said.recv().await {
                if let Said::Typing(typing) = &signal.said {
                    return typing.clone();
                }
            }
        }
    })
    .await
    .expect("a typing signal");
    assert!(told.typing && !told.private);
    assert_eq!(told.name, "Botón");
    let (status, _) = call(
        app,
        Some(token),
        Method::POST,
        &path,
        Some(json!({"typing_status": "sideways"})),
    )
    .await;
    assert_eq!(status, 422);
    let other = other_inbox_conversation(app, account, number).await;
    let elsewhere =
        format!("/api/v1/accounts/{account}/conversations/{other}/toggle_typing_status");
    let (status, _) = call(
        app,
        Some(token),
        Method::POST,
        &elsewhere,
        Some(json!({"typing_status": "on"})),
    )
    .await;
    assert_eq!(status, 404, "not the bot's conversation");
}

/// The number of a conversation in another inbox than conversation `number`'s.
async fn other_inbox_conversation(app: &TestApp, account: i64, number: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT display_id FROM conversations WHERE account_id = $1 AND inbox_id <> \
         (SELECT inbox_id FROM conversations WHERE account_id = $2 AND display_id = $3) ORDER BY id LIMIT 1",
    )
    .bind(account)
    .bind(account)
    .bind(number)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}
