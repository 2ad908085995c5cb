//! The moments in Chatwoot's conversation shape (issue 30), on both databases: who last
//! looked at it (any agent, the assignee, the customer), its first reply by a person
//! (a note does not count), its last change, and its last message that is not an
//! activity line; in the Application API, its messages' `meta` and the Client API.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(a_conversation_tells_who_looked_and_when_it_was_answered);

async fn a_conversation_tells_who_looked_and_when_it_was_answered(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let account = app.account_id().await;
    let (_, base) = api_inbox(&app, &admin, "").await;
    let (number, thread) = customer_writes(&app, &base, &["¿Tienen talla 40?"]).await;
    let at = |path: &str| format!("/api/v1/accounts/{account}/conversations/{number}{path}");
    let get = || async {
        let (status, body) = call(&app, Some(&admin), Method::GET, &at(""), None).await;
        assert_eq!(status, 200, "{body}");
        body
    };

    let fresh = get().await;
    for key in [
        "agent_last_seen_at",
        "assignee_last_seen_at",
        "contact_last_seen_at",
        "first_reply_created_at",
    ] {
        assert_eq!(fresh[key], 0, "{key}: {fresh}");
    }
    assert_eq!(fresh["sla_policy_id"], Value::Null);
    assert_eq!(
        fresh["last_non_activity_message"]["content"], "¿Tienen talla 40?",
        "{fresh}"
    );
    let created = fresh["created_at"].as_i64().unwrap();
    let updated = fresh["updated_at"].as_f64().unwrap();
    assert!(updated >= created as f64, "{fresh}");

    // A private note is not a reply; the first public message by an agent is.
    let send = |body: Value| {
        let url = at("/messages");
        let admin = admin.clone();
        let app = &app;
        async move {
            let (status, sent) = call(app, Some(&admin), Method::POST, &url, Some(body)).await;
            assert_eq!(status, 200, "{sent}");
            sent
        }
    };
    send(json!({"content": "Revisar stock", "private": true})).await;
    assert_eq!(get().await["first_reply_created_at"], 0);
    let reply = send(json!({"content": "Sí, en negro", "message_type": "outgoing"})).await;
    send(json!({"content": "¿Algo más?", "message_type": "outgoing"})).await;
    let answered = get().await;
    assert_eq!(
        answered["first_reply_created_at"], reply["created_at"],
        "{answered}"
    );
    assert_eq!(
        answered["last_non_activity_message"]["content"],
        "¿Algo más?"
    );
    assert!(answered["updated_at"].as_f64().unwrap() >= updated);

    // An agent reads it, then it is assigned to another: "any agent" keeps her reading,
    // the assignee has none until he reads.
    let (_, profile) = call(&app, Some(&admin), Method::GET, "/api/v1/profile", None).await;
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/update_last_seen"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let read = get().await;
    assert!(
        read["agent_last_seen_at"].as_i64().unwrap() >= created,
        "{read}"
    );
    assert_eq!(read["assignee_last_seen_at"], 0, "unassigned: {read}");
    let (_, messages) = call(&app, Some(&admin), Method::GET, &at("/messages"), None).await;
    assert!(
        messages["meta"]["agent_last_seen_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{}",
        messages["meta"]
    );
    assert_eq!(messages["meta"]["assignee_last_seen_at"], Value::Null);

    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/assignments"),
        Some(json!({"assignee_id": profile["id"]})),
    )
    .await;
    assert_eq!(status, 200);
    let mine = get().await;
    assert_eq!(
        mine["assignee_last_seen_at"], read["agent_last_seen_at"],
        "{mine}"
    );

    // The customer's front says she is looking: both APIs tell it.
    assert_eq!(mine["contact_last_seen_at"], 0);
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        &format!("{thread}/update_last_seen"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let looked = get().await;
    let contact_seen = looked["contact_last_seen_at"].as_i64().unwrap();
    assert!(contact_seen >= created, "{looked}");
    let (_, public) = call(&app, None, Method::GET, &thread, None).await;
    assert_eq!(public["contact_last_seen_at"], contact_seen, "{public}");
    assert_eq!(public["agent_last_seen_at"], read["agent_last_seen_at"]);
}
