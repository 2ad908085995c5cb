//! Chatwoot's notifications API, on both databases: the mentions and assignment an
//! agent got, in Chatwoot's shape (type, title, the conversation as primary actor, who
//! caused it), her unread count, marked read one by one, unread again, all at once or
//! for one conversation, deleted; another agent's are not found, and a conversation she
//! can no longer see takes its notifications out of her list.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;
use crate::push::{mention, shared_conversation};

on_both_backends!(an_agent_reads_her_notifications);

async fn an_agent_reads_her_notifications(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let (conversation, number) = shared_conversation(&app).await;
    let (marcos_id, lucia_id) = (app.agent_id(MARCOS).await, app.agent_id(LUCIA).await);
    let lucia = app.sign_in(LUCIA).await;
    mention(
        &app,
        &lucia.cookie,
        conversation,
        marcos_id,
        "@Marcos mira esto",
    )
    .await;
    mention(
        &app,
        &lucia.cookie,
        conversation,
        marcos_id,
        "@Marcos y esto",
    )
    .await;
    let admin = app.api_token(ADMIN).await;
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{number}/assignments")),
        Some(json!({"assignee_id": marcos_id})),
    )
    .await;
    assert_eq!(status, 200);

    let marcos = app.api_token(MARCOS).await;
    let ask = |token: &str, method: Method, path: String| {
        let (app, token) = (&app, token.to_owned());
        async move { call(app, Some(&token), method, &path, None).await }
    };
    let (status, page) = ask(&marcos, Method::GET, at("/notifications")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["data"]["meta"],
        json!({"unread_count": 3, "count": 3, "current_page": 1})
    );
    let listed = page["data"]["payload"].as_array().unwrap().clone();
    let types: Vec<&str> = listed
        .iter()
        .map(|n| n["notification_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec![
            "conversation_assignment",
            "conversation_mention",
            "conversation_mention"
        ]
    );
    let mentioned = &listed[1];
    assert_eq!(mentioned["primary_actor_type"], "Conversation");
    assert_eq!(mentioned["primary_actor_id"], number);
    assert_eq!(mentioned["primary_actor"]["id"], number);
    assert_eq!(mentioned["secondary_actor"]["id"], lucia_id);
    assert_eq!(mentioned["user"]["id"], marcos_id);
    assert_eq!(mentioned["read_at"], Value::Null);
    let title = mentioned["push_message_title"].as_str().unwrap();
    assert!(title.contains(&format!("#{number}")), "{title}");
    let ids: Vec<i64> = listed.iter().map(|n| n["id"].as_i64().unwrap()).collect();
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 3);
    let (_, second_page) = ask(&marcos, Method::GET, at("/notifications?page=2")).await;
    assert_eq!(second_page["data"]["payload"], json!([]));
    assert_eq!(second_page["data"]["meta"]["current_page"], 2);

    // Another agent neither lists nor touches them.
    let lucia_token = app.api_token(LUCIA).await;
    let (_, hers) = ask(&lucia_token, Method::GET, at("/notifications")).await;
    assert!(hers["data"]["payload"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| !ids.contains(&n["id"].as_i64().unwrap())));
    for (method, path) in [
        (Method::PATCH, format!("/notifications/{}", ids[0])),
        (Method::POST, format!("/notifications/{}/unread", ids[0])),
        (Method::DELETE, format!("/notifications/{}", ids[0])),
    ] {
        let (status, _) = ask(&lucia_token, method.clone(), at(&path)).await;
        assert_eq!(status, 404, "{method} {path}");
    }

    // Read one, unread it again.
    let (status, read) = ask(
        &marcos,
        Method::PATCH,
        at(&format!("/notifications/{}", ids[0])),
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert!(read["read_at"].as_str().unwrap().ends_with('Z'));
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 2);
    let (status, unread) = ask(
        &marcos,
        Method::POST,
        at(&format!("/notifications/{}/unread", ids[0])),
    )
    .await;
    assert_eq!(status, 200, "{unread}");
    assert_eq!(unread["read_at"], Value::Null);
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 3);

    // All of one conversation's; a conversation she cannot name, or a stranger's type,
    // changes nothing.
    for (body, status_wanted) in [
        (
            json!({"primary_actor_type": "Conversation", "primary_actor_id": 999_999}),
            404,
        ),
        (
            json!({"primary_actor_type": "Message", "primary_actor_id": number}),
            422,
        ),
    ] {
        let (status, _) = call(
            &app,
            Some(&marcos),
            Method::POST,
            &at("/notifications/read_all"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, status_wanted, "{body}");
    }
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 3);
    let (status, _) = call(
        &app,
        Some(&marcos),
        Method::POST,
        &at("/notifications/read_all"),
        Some(json!({"primary_actor_type": "Conversation", "primary_actor_id": number})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 0);
    let (status, _) = ask(
        &marcos,
        Method::POST,
        at(&format!("/notifications/{}/unread", ids[1])),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = ask(&marcos, Method::POST, at("/notifications/read_all")).await;
    assert_eq!(status, 200);
    let (_, count) = ask(&marcos, Method::GET, at("/notifications/unread_count")).await;
    assert_eq!(count, 0);

    let (status, _) = ask(
        &marcos,
        Method::DELETE,
        at(&format!("/notifications/{}", ids[2])),
    )
    .await;
    assert_eq!(status, 200);
    let (_, page) = ask(&marcos, Method::GET, at("/notifications")).await;
    assert_eq!(page["data"]["meta"]["count"], 2);

    // Pages of 15, the latest first, none twice.
    for n in 0..14 {
        mention(
            &app,
            &lucia.cookie,
            conversation,
            marcos_id,
            &format!("@Marcos {n}"),
        )
        .await;
    }
    let (_, first) = ask(&marcos, Method::GET, at("/notifications")).await;
    let (_, second) = ask(&marcos, Method::GET, at("/notifications?page=2")).await;
    assert_eq!(first["data"]["meta"]["count"], 16);
    let paged: Vec<i64> = [&first, &second]
        .iter()
        .flat_map(|p| p["data"]["payload"].as_array().unwrap().clone())
        .map(|n| n["id"].as_i64().unwrap())
        .collect();
    assert_eq!(first["data"]["payload"].as_array().unwrap().len(), 15);
    assert_eq!(paged.len(), 16);
    assert!(paged.windows(2).all(|w| w[0] > w[1]), "{paged:?}");

    // Out of the inbox, out of his list.
    sqlx::query(
        "DELETE FROM inbox_members WHERE agent_id = $1 AND inbox_id = (SELECT inbox_id FROM conversations WHERE id = $2)",
    )
    .bind(marcos_id)
    .bind(conversation)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let (_, page) = ask(&marcos, Method::GET, at("/notifications")).await;
    assert_eq!(page["data"]["meta"]["count"], 0, "{page}");
    let (status, _) = ask(
        &marcos,
        Method::PATCH,
        at(&format!("/notifications/{}", ids[0])),
    )
    .await;
    assert_eq!(status, 404);
}

on_both_backends!(notification_settings_are_mi_perfil_s);

/// Chatwoot's notification settings are Mi perfil's choices: read as flags, changed by
/// flags (a list left out keeps its choices), email for a kind never emailed taken and
/// not selected, unknown flags refused with nothing changed (a valid list beside them
/// included).
async fn notification_settings_are_mi_perfil_s(app: TestApp) {
    let lucia = app.api_token(LUCIA).await;
    let path = "/api/v1/notification_settings";
    let (status, shown) = call(&app, Some(&lucia), Method::GET, path, None).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(
        shown["all_email_flags"],
        json!([
            "email_conversation_mention",
            "email_conversation_assignment"
        ])
    );
    assert_eq!(
        shown["selected_push_flags"],
        json!([
            "push_conversation_mention",
            "push_conversation_assignment",
            "push_assigned_conversation_new_message"
        ]),
        "the defaults: all but new conversations"
    );
    let (status, changed) = call(
        &app,
        Some(&lucia),
        Method::PATCH,
        path,
        Some(json!({"notification_settings": {
            "selected_push_flags": ["push_conversation_creation", "push_participating_conversation_new_message"],
            "selected_email_flags": []
        }})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        changed["selected_push_flags"],
        json!(["push_conversation_creation"])
    );
    assert_eq!(changed["selected_email_flags"], json!([]));
    // Mi perfil reads the same choices.
    let cookie = app.sign_in(LUCIA).await.cookie;
    let prefs = crate::push::prefs(&app, &cookie).await;
    let ways = |kind| prefs.ways(kind);
    use app::notifications::model::NotificationKind as K;
    assert!(ways(K::NewConversation).push && !ways(K::Mention).push && !ways(K::Mention).email);
    assert!(ways(K::Mention).sound, "the sound stays Mi perfil's");

    // Email for a kind Charla never emails is taken and not selected.
    let (status, taken) = call(
        &app,
        Some(&lucia),
        Method::PATCH,
        path,
        Some(json!({"selected_email_flags": ["email_conversation_creation", "email_conversation_mention"]})),
    )
    .await;
    assert_eq!(status, 200, "{taken}");
    assert_eq!(
        taken["selected_email_flags"],
        json!(["email_conversation_mention"])
    );
    for body in [
        json!({"selected_push_flags": ["push_everything"]}),
        json!({"selected_email_flags": "email_conversation_mention"}),
        json!({"selected_push_flags": [], "selected_email_flags": ["email_nonsense"]}),
    ] {
        let (status, refused) =
            call(&app, Some(&lucia), Method::PATCH, path, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {refused}");
    }
    let (_, after) = call(&app, Some(&lucia), Method::GET, path, None).await;
    assert_eq!(
        after["selected_push_flags"],
        json!(["push_conversation_creation"])
    );
    let (status, _) = call(&app, None, Method::GET, path, None).await;
    assert_eq!(status, 401);
}
