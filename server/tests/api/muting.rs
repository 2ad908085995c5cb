//! Muting a conversation, as Chatwoot's `mute` (issue 30), on both databases: it blocks
//! the customer and resolves the conversation; her next messages are kept in it but
//! reopen, assign and notify nothing; a blocked customer's new conversation starts
//! resolved; `unmute` lets her reach the team again, and `blocked` on the contact does
//! the same through `PUT /contacts`. Automation rules act on her messages until she is
//! muted, and not after.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes, say};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_muted_customer_writes_without_reopening_anything,
    rules_leave_a_muted_visitor_alone,
    a_rule_or_a_macro_mutes_as_an_agent_does
);

async fn a_muted_customer_writes_without_reopening_anything(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let account = app.account_id().await;
    let (_, base) = api_inbox(&app, &admin, "").await;
    let (number, thread) = customer_writes(&app, &base, &["Compra ya, oferta única"]).await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let ask = |method: Method, path: String, body: Option<Value>| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let (status, answer) = call(app, Some(&admin), method, &path, body).await;
            assert_eq!(status, 200, "{path}: {answer}");
            answer
        }
    };
    let conversation = |n: i64| ask(Method::GET, at(&format!("/conversations/{n}")), None);
    let (_, profile) = call(&app, Some(&admin), Method::GET, "/api/v1/profile", None).await;
    ask(
        Method::POST,
        at(&format!("/conversations/{number}/assignments")),
        Some(json!({"assignee_id": profile["id"]})),
    )
    .await;
    let unread = || async {
        let count = ask(Method::GET, at("/notifications/unread_count"), None).await;
        count.as_i64().unwrap_or_else(|| panic!("{count}"))
    };

    ask(
        Method::POST,
        at(&format!("/conversations/{number}/mute")),
        None,
    )
    .await;
    let muted = conversation(number).await;
    assert_eq!(
        (
            &muted["status"],
            &muted["muted"],
            &muted["meta"]["sender"]["blocked"]
        ),
        (&json!("resolved"), &json!(true), &json!(true)),
        "{muted}"
    );
    let contact = muted["meta"]["sender"]["id"].as_i64().unwrap();
    // The thread says who muted it.
    let (_, messages) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/conversations/{number}/messages")),
        None,
    )
    .await;
    let last = messages["payload"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["message_type"], 2, "{last}");
    assert!(
        last["content"].as_str().unwrap().starts_with("🔇"),
        "{last}"
    );

    // She writes again: kept in the same conversation, which stays resolved and tells
    // its assignee nothing.
    let before = unread().await;
    say(&app, &thread, "¿Sigues ahí?").await;
    let after = conversation(number).await;
    assert_eq!(after["status"], "resolved", "{after}");
    assert_eq!(
        after["last_non_activity_message"]["content"],
        "¿Sigues ahí?"
    );
    assert_eq!(unread().await, before);
    let hers = ask(
        Method::GET,
        at(&format!("/contacts/{contact}/conversations")),
        None,
    )
    .await;
    assert_eq!(hers["payload"].as_array().map(Vec::len), Some(1), "{hers}");

    // A new conversation of hers starts resolved, unassigned.
    let me = thread.rsplit_once("/conversations/").unwrap().0.to_owned();
    let (_, started) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    let second = started["id"].as_i64().unwrap();
    let opened = conversation(second).await;
    assert_eq!(
        (
            &opened["status"],
            &opened["muted"],
            &opened["meta"]["assignee"]
        ),
        (&json!("resolved"), &json!(true), &Value::Null),
        "{opened}"
    );

    // Unmuted (the status stays), she reaches the team again: her next message opens it.
    ask(
        Method::POST,
        at(&format!("/conversations/{number}/unmute")),
        None,
    )
    .await;
    let unmuted = conversation(number).await;
    assert_eq!(
        (&unmuted["muted"], &unmuted["status"]),
        (&json!(false), &json!("resolved")),
        "{unmuted}"
    );
    say(
        &app,
        &format!("{me}/conversations/{second}"),
        "Perdón, era un error",
    )
    .await;
    assert_eq!(conversation(second).await["status"], "open");

    // `blocked` on the contact mutes her as well, and is undone the same way.
    let put = |blocked: bool| {
        ask(
            Method::PUT,
            at(&format!("/contacts/{contact}")),
            Some(json!({"blocked": blocked, "email": "insistente@example.org"})),
        )
    };
    assert_eq!(put(true).await["payload"]["blocked"], true);
    assert_eq!(conversation(number).await["muted"], true);
    // Muting her open conversation then still resolves it, as Chatwoot's mute does.
    let still_open = conversation(second).await;
    assert_eq!(
        (&still_open["muted"], &still_open["status"]),
        (&json!(true), &json!("open"))
    );
    ask(
        Method::POST,
        at(&format!("/conversations/{second}/mute")),
        None,
    )
    .await;
    assert_eq!(conversation(second).await["status"], "resolved");
    assert_eq!(put(false).await["payload"]["blocked"], false);
}

async fn rules_leave_a_muted_visitor_alone(app: TestApp) {
    use crate::automation_engine::{lines, rule, settled};
    let admin = app.sign_in(ADMIN).await;
    rule(&app, &admin.cookie, json!({"name": "Ofertas", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["oferta"]}],
        "actions": [{"action_name": "add_private_note", "action_params": ["Revisar la oferta"]}]}))
    .await;
    let token = app.web_chat_token().await;
    let write = |visitor: Option<String>, body: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let sent: app::widget::WidgetSent = app
                .ok(
                    "",
                    "widget/send",
                    json!({"token": token, "visitor": visitor, "body": body,
                    "name": "Spammer", "email": null}),
                )
                .await;
            (
                sent.visitor,
                app.conversation_of_message(sent.message.id).await,
            )
        }
    };
    let (visitor, id) = write(None, "Gran oferta 1").await;
    settled(&app).await;
    assert_eq!(
        lines(&app, id, "Ofertas").await,
        1,
        "the rule acts on her first message"
    );

    let muted: Value = app
        .ok(
            &admin.cookie,
            "conversations/mute",
            json!({"id": id, "muted": true}),
        )
        .await;
    assert_eq!(
        (&muted["muted"], &muted["status"]),
        (&json!(true), &json!("resolved"))
    );
    let (_, again) = write(Some(visitor), "Gran oferta 2").await;
    assert_eq!(again, id, "her message joins the muted conversation");
    settled(&app).await;
    assert_eq!(lines(&app, id, "Ofertas").await, 1, "and sets off no rule");
}

/// Chatwoot's `mute_conversation` action, in a rule and in a macro.
async fn a_rule_or_a_macro_mutes_as_an_agent_does(app: TestApp) {
    use crate::automation_engine::{lines, rule, settled, visitor_writes};
    let admin = app.sign_in(ADMIN).await;
    let blocked = |id: i64| {
        let app = &app;
        async move {
            let (status, blocked): (String, i64) = sqlx::query_as(
                "SELECT c.status, k.blocked FROM conversations c \
                 JOIN contacts k ON k.id = c.contact_id WHERE c.id = $1",
            )
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            (status, blocked)
        }
    };
    rule(&app, &admin.cookie, json!({"name": "Silenciar spam", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["casino"]}],
        "actions": [{"action_name": "mute_conversation", "action_params": []}]}))
    .await;
    // A later rule on the same message still runs: each rule is judged on its own.
    rule(&app, &admin.cookie, json!({"name": "Nota de spam", "event_name": "message_created",
        "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["casino"]}],
        "actions": [{"action_name": "add_private_note", "action_params": ["Spam silenciado"]}]}))
    .await;
    let token = app.web_chat_token().await;
    let spam = visitor_writes(&app, &token, "Gane en el casino").await;
    let fine = visitor_writes(&app, &token, "Hola, una duda").await;
    settled(&app).await;
    assert_eq!(blocked(spam).await, ("resolved".to_owned(), 1));
    assert_eq!(
        lines(&app, spam, "mute_conversation").await,
        1,
        "the rule's line says it"
    );
    assert_eq!(blocked(fine).await, ("open".to_owned(), 0));

    let saved: Value = app
        .ok(
            &admin.cookie,
            "macros/save",
            json!({"id": null, "saved": {"name": "Silenciar", "visibility": "personal",
                "actions": [{"action_name": "mute_conversation", "action_params": []}]}}),
        )
        .await;
    let _: Value = app
        .ok(
            &admin.cookie,
            "macros/run",
            json!({"id": saved["id"], "conversation_id": fine}),
        )
        .await;
    assert_eq!(blocked(fine).await, ("resolved".to_owned(), 1));
    assert_eq!(lines(&app, fine, "mute_conversation").await, 1);
}
