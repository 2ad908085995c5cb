//! API inboxes and Chatwoot's Client API (issue 30), on both databases: an
//! administrator makes an API inbox through the Application API; a program writes as
//! a customer through the Client API; the agent's reply reaches the inbox's webhook
//! URL (signed) and the Client API; notes never do; a program may also write as the
//! customer through the Application API, only in an API inbox.
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use crate::webhooks::{start_receiver, verify, wait_for};

on_both_backends!(
    a_program_writes_as_the_customer_and_reads_the_replies,
    the_client_api_refuses_strangers_and_bad_input,
);

pub(crate) use crate::chatwoot::api as call;

/// A new API inbox through the Application API: (its JSON, its Client API base path).
pub(crate) async fn api_inbox(app: &TestApp, admin: &str, webhook_url: &str) -> (Value, String) {
    let account = app.account_id().await;
    let (status, inbox) = call(
        app,
        Some(admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/inboxes"),
        Some(json!({"name": "Tienda API", "channel": {"type": "api", "webhook_url": webhook_url}})),
    )
    .await;
    assert_eq!(status, 200, "{inbox}");
    let identifier = inbox["inbox_identifier"].as_str().unwrap().to_owned();
    (inbox, format!("/public/api/v1/inboxes/{identifier}"))
}

/// A new Client API customer writes `texts` in a new conversation of the inbox at
/// `base`: (its number, its thread's path).
pub(crate) async fn customer_writes(app: &TestApp, base: &str, texts: &[&str]) -> (i64, String) {
    let (_, contact) = call(
        app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Rosa"})),
    )
    .await;
    let me = format!("{base}/contacts/{}", contact["source_id"].as_str().unwrap());
    let (_, conversation) = call(
        app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    let number = conversation["id"].as_i64().unwrap();
    let thread = format!("{me}/conversations/{number}");
    for text in texts {
        say(app, &thread, text).await;
    }
    (number, thread)
}

/// The customer writes `text` in her thread.
pub(crate) async fn say(app: &TestApp, thread: &str, text: &str) {
    let (status, said) = call(
        app,
        None,
        Method::POST,
        &format!("{thread}/messages"),
        Some(json!({"content": text})),
    )
    .await;
    assert_eq!(status, 200, "{said}");
}

async fn a_program_writes_as_the_customer_and_reads_the_replies(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let (url, receiver) = start_receiver(0).await;
    let (inbox, base) = api_inbox(&app, &admin, &url).await;
    assert_eq!(inbox["channel_type"], "Channel::Api");
    assert_eq!(inbox["webhook_url"], url);
    assert!(inbox.get("website_token").is_none());
    let (status, public) = call(&app, None, Method::GET, &base, None).await;
    assert_eq!(
        (status.as_u16(), &public["name"]),
        (200, &json!("Tienda API"))
    );

    // The customer, as a custom chat front makes her.
    let (status, contact) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Rosa Prieto", "email": "rosa@example.com"})),
    )
    .await;
    assert_eq!(status, 200, "{contact}");
    let source = contact["source_id"].as_str().unwrap().to_owned();
    assert_eq!(contact["name"], "Rosa Prieto");
    assert_eq!(contact["email"], "rosa@example.com");
    assert!(contact["id"].as_i64().is_some() && contact["pubsub_token"].is_string());
    let me = format!("{base}/contacts/{source}");
    let (_, again) = call(&app, None, Method::GET, &me, None).await;
    assert_eq!(again["id"], contact["id"]);

    let (status, conversation) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{conversation}");
    let number = conversation["id"].as_i64().unwrap();
    assert_eq!(conversation["status"], "open");
    assert_eq!(conversation["inbox_id"], inbox["id"]);
    let thread = format!("{me}/conversations/{number}");
    let (status, said) = call(
        &app,
        None,
        Method::POST,
        &format!("{thread}/messages"),
        Some(json!({"content": "¿Dónde está mi pedido 4411?", "echo_id": "eco-1"})),
    )
    .await;
    assert_eq!(status, 200, "{said}");
    assert_eq!(said["message_type"], 0);
    assert_eq!(said["conversation_id"], number);
    assert_eq!(said["content_attributes"]["echo_id"], "eco-1");

    // The agents see it as any customer's message, and answer; a note stays inside.
    let (_, history) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/conversations/{number}/messages")),
        None,
    )
    .await;
    assert!(
        history["payload"].to_string().contains("pedido 4411"),
        "{history}"
    );
    let (status, reply) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{number}/messages")),
        Some(json!({"content": "Sale hoy por mensajería"})),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{number}/messages")),
        Some(json!({"content": "Nota interna API", "private": true})),
    )
    .await;
    assert_eq!(status, 200);
    // A change right after the note: the conversation's event carries no note.
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{number}/toggle_priority")),
        Some(json!({"priority": "high"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, _, updated) = wait_for(&receiver, 0, |b| b["event"] == "conversation_updated").await;
    assert!(
        !updated.to_string().contains("Nota interna API"),
        "{updated}"
    );

    // The inbox's URL hears of it, signed with the inbox's own secret.
    let (_, received, body) = wait_for(&receiver, 0, |b| {
        b["event"] == "message_created" && b["message_type"] == "outgoing"
    })
    .await;
    assert_eq!(body["content"], "Sale hoy por mensajería");
    assert_eq!(body["conversation"]["id"], number);
    let signed = app.sign_in(ADMIN).await;
    let settings: app::domain::api_inbox::ApiInboxSettings = app
        .ok(
            &signed.cookie,
            "api_inbox/settings",
            json!({"id": inbox["id"]}),
        )
        .await;
    assert_eq!(settings.webhook_url, url);
    verify(&settings.secret, &received);
    wait_for(&receiver, 0, |b| {
        b["event"] == "message_created" && b["message_type"] == "incoming"
    })
    .await;

    // The program reads the reply; never the note.
    let (status, messages) =
        call(&app, None, Method::GET, &format!("{thread}/messages"), None).await;
    assert_eq!(status, 200, "{messages}");
    let kinds: Vec<(i64, &str)> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["message_type"].as_i64().unwrap(),
                m["content"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (0, "¿Dónde está mi pedido 4411?"),
            (1, "Sale hoy por mensajería")
        ]
    );
    assert_eq!(messages[1]["sender"]["type"], "user");
    let (_, whole) = call(&app, None, Method::GET, &thread, None).await;
    assert_eq!(whole["messages"].as_array().unwrap().len(), 2);
    assert!(!whole.to_string().contains("Nota interna API"));
    let all = receiver.got.lock().unwrap().clone();
    assert!(all.iter().all(|r| !r.body.contains("Nota interna API")));

    // Typing (told to the inbox's URL once per change) and "seen"; resolving (once),
    // and her next message reopens.
    for (path, body) in [
        ("toggle_typing", Some(json!({"typing_status": "on"}))),
        ("toggle_typing", Some(json!({"typing_status": "on"}))),
        ("toggle_typing", Some(json!({"typing_status": "off"}))),
        ("update_last_seen", None),
    ] {
        let (status, _) = call(&app, None, Method::POST, &format!("{thread}/{path}"), body).await;
        assert_eq!(status, 200, "{path}");
    }
    let (_, _, on) = wait_for(&receiver, 0, |b| b["event"] == "conversation_typing_on").await;
    assert_eq!(
        (&on["user"]["type"], &on["user"]["name"]),
        (&json!("contact"), &json!("Rosa Prieto"))
    );
    assert_eq!(
        (&on["conversation"]["id"], &on["is_private"]),
        (&json!(number), &json!(false))
    );
    // Deliveries are sent side by side, so they may arrive in either order.
    wait_for(&receiver, 0, |b| b["event"] == "conversation_typing_off").await;
    let typing_on = receiver
        .got
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.body.contains("\"conversation_typing_on\""))
        .count();
    assert_eq!(typing_on, 1, "a repeated \"writing\" is told once");
    for _ in 0..2 {
        let (status, resolved) = call(
            &app,
            None,
            Method::POST,
            &format!("{thread}/toggle_status"),
            None,
        )
        .await;
        assert_eq!(
            (status.as_u16(), &resolved["status"]),
            (200, &json!("resolved"))
        );
    }
    call(
        &app,
        None,
        Method::POST,
        &format!("{thread}/messages"),
        Some(json!({"content": "Una cosa más"})),
    )
    .await;
    let (_, reopened) = call(&app, None, Method::GET, &thread, None).await;
    assert_eq!(reopened["status"], "open");

    // A file, as multipart `attachments[]`: stored as hers, served to her at its
    // `data_url`; an empty one is refused and makes no message.
    let form = reqwest::multipart::Form::new()
        .text("content", "El ticket")
        .part(
            "attachments[]",
            reqwest::multipart::Part::bytes(crate::uploads::PNG.to_vec()).file_name("ticket.png"),
        );
    let res = client()
        .post(app.url(&format!("{thread}/messages")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let with_file: Value = res.json().await.unwrap();
    assert_eq!(
        with_file["attachments"][0]["file_type"], "image",
        "{with_file}"
    );
    let data_url = with_file["attachments"][0]["data_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(data_url.contains("/public/api/v1/inboxes/"), "{data_url}");
    let file = client().get(&data_url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), crate::uploads::PNG);
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let empty = reqwest::multipart::Form::new().part(
        "attachments[]",
        reqwest::multipart::Part::bytes(Vec::new()).file_name("nada.txt"),
    );
    let res = client()
        .post(app.url(&format!("{thread}/messages")))
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(after, before, "a refused file makes no message");

    // A program may write as the customer through the Application API (API inboxes only).
    let (status, incoming) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at(&format!("/conversations/{number}/messages")),
        Some(json!({"content": "Desde el CRM", "message_type": "incoming"})),
    )
    .await;
    assert_eq!(status, 200, "{incoming}");
    assert_eq!(incoming["message_type"], 0);
    assert_eq!(incoming["sender"]["id"], contact["id"]);
    let (status, refused) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "No", "message_type": "incoming"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        refused["message"],
        "Incoming messages are only allowed in Api inboxes"
    );

    // The inbox's URL changes through the API too (an empty one stops the deliveries).
    let (status, changed) = call(
        &app,
        Some(&admin),
        Method::PATCH,
        &at(&format!("/inboxes/{}", inbox["id"])),
        Some(json!({"name": "Tienda API 2", "channel": {"webhook_url": ""}})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (&changed["name"], &changed["webhook_url"]),
        (&json!("Tienda API 2"), &json!(""))
    );
    let hooks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE inbox_id IS NOT NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(hooks, 0);

    // The list of her conversations, and the inbox in the account's list.
    let (_, mine) = call(
        &app,
        None,
        Method::GET,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, inboxes) = call(&app, Some(&admin), Method::GET, &at("/inboxes"), None).await;
    assert!(inboxes["payload"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["inbox_identifier"] == inbox["inbox_identifier"]));
}

async fn the_client_api_refuses_strangers_and_bad_input(app: TestApp) {
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let (_, base) = api_inbox(&app, &admin, "").await;
    let contacts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM contacts")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };

    // Only administrators make inboxes, and only API ones here.
    let path = format!("/api/v1/accounts/{account}/inboxes");
    let (status, _) = call(
        &app,
        Some(&lucia),
        Method::POST,
        &path,
        Some(json!({"name": "X", "channel": {"type": "api"}})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &app,
        Some(&admin),
        Method::POST,
        &path,
        Some(json!({"name": "X", "channel": {"type": "email"}})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["attributes"]),
        (422, &json!(["channel"]))
    );
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &path,
        Some(json!({"name": "X", "channel": {"type": "api", "webhook_url": "ftp://x"}})),
    )
    .await;
    assert_eq!(status, 422);

    // Unknown identifiers, and a web chat's widget token, name no API inbox.
    let web_token: String =
        sqlx::query_scalar("SELECT web_token FROM inboxes WHERE channel_kind = 'web_chat' LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    for inbox in ["nope", web_token.as_str()] {
        let (status, _) = call(
            &app,
            None,
            Method::POST,
            &format!("/public/api/v1/inboxes/{inbox}/contacts"),
            Some(json!({"name": "X"})),
        )
        .await;
        assert_eq!(status, 404, "{inbox}");
    }
    let (status, _) = call(
        &app,
        None,
        Method::GET,
        &format!("{base}/contacts/nobody"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Bad input is refused with the field named, and makes nothing.
    let before = contacts().await;
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "X", "email": "no-es-un-correo"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["attributes"]),
        (422, &json!(["email"]))
    );
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"phone_number": "12"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["attributes"]),
        (422, &json!(["phone_number"]))
    );
    assert_eq!(contacts().await, before);

    // A chosen contact identifier works, once.
    let (status, made) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"source_id": "crm-7781"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &made["source_id"]),
        (200, &json!("crm-7781"))
    );
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"source_id": "crm-7781"})),
    )
    .await;
    assert_eq!(status, 422);
    let me = format!("{base}/contacts/crm-7781");
    let (status, updated) = call(
        &app,
        None,
        Method::PATCH,
        &me,
        Some(json!({"name": "Jaime Ruiz"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &updated["name"]),
        (200, &json!("Jaime Ruiz"))
    );

    // Another customer's conversation is not hers; empty messages are refused.
    let (_, other) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({})),
    )
    .await;
    let other = other["source_id"].as_str().unwrap().to_owned();
    let (_, theirs) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts/{other}/conversations"),
        None,
    )
    .await;
    let theirs = theirs["id"].as_i64().unwrap();
    for (method, path) in [
        (Method::GET, ""),
        (Method::GET, "/messages"),
        (Method::POST, "/toggle_status"),
    ] {
        let (status, _) = call(
            &app,
            None,
            method,
            &format!("{me}/conversations/{theirs}{path}"),
            None,
        )
        .await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, mine) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    let mine = mine["id"].as_i64().unwrap();
    let (status, body) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations/{mine}/messages"),
        Some(json!({"content": "  "})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["attributes"]),
        (422, &json!(["content"]))
    );
    let (status, _) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations/{mine}/toggle_typing"),
        Some(json!({"typing_status": "maybe"})),
    )
    .await;
    assert_eq!(status, 422);

    // Browsers on any site may call it (no credentials).
    let res = client()
        .request(Method::OPTIONS, app.url(&format!("{base}/contacts")))
        .header("origin", "https://tienda.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let res = client()
        .post(app.url(&format!("{base}/contacts")))
        .header("origin", "https://tienda.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "Desde otra web"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}
