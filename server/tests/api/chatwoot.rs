//! The Chatwoot-compatible Application API (issue 30): access tokens, and each
//! endpoint a Chatwoot client calls, on both databases, with the seed's rules.
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    tokens_authenticate_as_their_agent,
    the_account_reads_as_chatwoot_shapes_it,
    contacts_keep_the_seed_rules,
    conversations_change_through_the_api,
    messages_follow_the_send_rules,
);

/// One API call with a token; the status and the JSON answer (`null` when empty).
pub(crate) async fn api(
    app: &TestApp,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client().request(method, app.url(path));
    if let Some(token) = token {
        request = request.header("api_access_token", token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let res = request.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    };
    (status, value)
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = api(app, Some(token), Method::GET, path, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

async fn tokens_authenticate_as_their_agent(app: TestApp) {
    let (status, body) = api(&app, None, Method::GET, "/api/v1/profile", None).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"errors": ["You need to sign in or sign up before continuing."]})
    );
    let (status, body) = api(
        &app,
        Some("not-a-token"),
        Method::GET,
        "/api/v1/profile",
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (401, json!({"error": "Invalid Access Token"}))
    );

    // Two first asks at once (a render and a second tab) show the same, working token.
    let (one, two) = tokio::join!(app.api_token(MARCOS), app.api_token(MARCOS));
    assert_eq!(one, two);
    assert_eq!(get(&app, &one, "/api/v1/profile").await["email"], MARCOS);

    let token = app.api_token(LUCIA).await;
    // The same token on every ask: Mi perfil shows it again.
    assert_eq!(app.api_token(LUCIA).await, token);
    let profile = get(&app, &token, "/api/v1/profile").await;
    assert_eq!(profile["email"], LUCIA);
    assert_eq!(profile["role"], "agent");
    let account = app.account_id().await;
    assert_eq!(profile["accounts"][0]["id"], account);
    // Only its hash and a sealed copy are kept.
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT token_hash, sealed FROM api_access_tokens")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert!(stored
        .iter()
        .all(|(h, s)| !h.contains(&token) && !s.contains(&token)));

    // Another account's path is refused.
    let (status, _) = api(
        &app,
        Some(&token),
        Method::GET,
        &format!("/api/v1/accounts/{}/agents", account + 1),
        None,
    )
    .await;
    assert_eq!(status, 401);

    // Regenerating ends the old token at once.
    let signed = app.sign_in(LUCIA).await;
    let fresh: app::auth::access_token::AccessTokenView = app
        .ok(&signed.cookie, "profile/access_token/regenerate", json!({}))
        .await;
    assert_ne!(fresh.token, token);
    let (status, _) = api(&app, Some(&token), Method::GET, "/api/v1/profile", None).await;
    assert_eq!(status, 401);
    assert_eq!(
        get(&app, &fresh.token, "/api/v1/profile").await["email"],
        LUCIA
    );
}

async fn the_account_reads_as_chatwoot_shapes_it(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;
    let admin = app.api_token(ADMIN).await;

    let agents = get(&app, &lucia, &at("/agents")).await;
    let emails: Vec<&str> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert!(
        emails.contains(&MARCOS) && emails.contains(&ADMIN),
        "{agents}"
    );
    assert!(agents[0]["availability_status"].is_string());

    // Lucía works the web chat and WhatsApp, not email.
    let inboxes = get(&app, &lucia, &at("/inboxes")).await;
    let kinds: Vec<&str> = inboxes["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["channel_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{inboxes}");
    assert!(kinds.contains(&"Channel::WebWidget") && kinds.contains(&"Channel::Whatsapp"));
    let email_inbox: i64 =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'email'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at(&format!("/inboxes/{email_inbox}")),
        None,
    )
    .await;
    assert_eq!(
        (status.as_u16(), body),
        (404, json!({"error": "Resource could not be found"}))
    );
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at(&format!("/inbox_members/{email_inbox}")),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let members = get(&app, &admin, &at(&format!("/inbox_members/{email_inbox}"))).await;
    assert_eq!(members["payload"][0]["email"], MARCOS);

    // Labels: administrators write them; the list is Chatwoot's `payload`.
    let (status, label) = api(
        &app,
        Some(&admin),
        Method::POST,
        &at("/labels"),
        Some(json!({"label": {"title": "facturación", "color": "#ff0000"}})),
    )
    .await;
    assert_eq!(status, 200, "{label}");
    assert_eq!(label["title"], "facturación");
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/labels"),
        Some(json!({"title": "otra"})),
    )
    .await;
    assert_eq!(status, 403);
    let labels = get(&app, &lucia, &at("/labels")).await;
    assert!(labels["payload"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["title"] == "facturación"));
    let (status, body) = api(
        &app,
        Some(&admin),
        Method::POST,
        &at("/labels"),
        Some(json!({"title": "FACTURACIÓN"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");

    // Canned responses, with a search.
    let (status, canned) = api(
        &app,
        Some(&admin),
        Method::POST,
        &at("/canned_responses"),
        Some(json!({"canned_response": {"short_code": "envio", "content": "Enviamos en 24 h."}})),
    )
    .await;
    assert_eq!(status, 200, "{canned}");
    let found = get(&app, &lucia, &at("/canned_responses?search=24 h")).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let id = canned["id"].as_i64().unwrap();
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::DELETE,
        &at(&format!("/canned_responses/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = api(
        &app,
        Some(&admin),
        Method::DELETE,
        &at(&format!("/canned_responses/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // Teams.
    let signed = app.sign_in(ADMIN).await;
    let team: app::teams::Team = app
        .ok(
            &signed.cookie,
            "teams/save",
            json!({"id": null, "name": "Cobros", "description": "Facturas"}),
        )
        .await;
    let teams = get(&app, &lucia, &at("/teams")).await;
    assert_eq!(teams[0]["name"], "Cobros");
    assert_eq!(
        get(&app, &lucia, &at(&format!("/teams/{}", team.id))).await["description"],
        "Facturas"
    );
    assert_eq!(
        get(
            &app,
            &lucia,
            &at(&format!("/teams/{}/team_members", team.id))
        )
        .await,
        json!([])
    );
    let (status, _) = api(&app, Some(&lucia), Method::GET, &at("/teams/999999"), None).await;
    assert_eq!(status, 404);
}

async fn contacts_keep_the_seed_rules(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;

    let list = get(&app, &lucia, &at("/contacts")).await;
    assert_eq!(list["meta"]["count"], 5, "{list}");
    assert_eq!(list["meta"]["current_page"], 1);
    let page2 = get(&app, &lucia, &at("/contacts?page=2&sort=name")).await;
    assert_eq!(page2["meta"]["current_page"], "2");
    assert_eq!(page2["payload"], json!([]));
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at("/contacts?sort=nope"),
        None,
    )
    .await;
    assert_eq!(status, 422);

    // S9: an email or a phone.
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/contacts"),
        Some(json!({"name": "Sin datos"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["attributes"], json!(["email", "phone_number"]));
    let before = get(&app, &lucia, &at("/contacts")).await["meta"]["count"].clone();
    assert_eq!(before, 5, "a refused contact is not stored");

    let (status, created) = api(&app, Some(&lucia), Method::POST, &at("/contacts"), Some(json!({"name": "Elena Ruiz", "email": "Elena@Example.com", "additional_attributes": {"company_name": "Ruiz SL"}}))).await;
    assert_eq!(status, 200, "{created}");
    let contact = &created["payload"]["contact"];
    assert_eq!(contact["email"], "elena@example.com");
    assert_eq!(contact["additional_attributes"]["company_name"], "Ruiz SL");
    let id = contact["id"].as_i64().unwrap();
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/contacts"),
        Some(json!({"email": "elena@example.com"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["attributes"], json!(["email"]));
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/contacts"),
        Some(json!({"phone_number": "no es un número"})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), &body["attributes"]),
        (422, &json!(["phone_number"])),
        "{body}"
    );

    // An update keeps what it does not send.
    let (status, updated) = api(
        &app,
        Some(&lucia),
        Method::PUT,
        &at(&format!("/contacts/{id}")),
        Some(json!({"phone_number": "+34 600 111 222"})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["payload"]["phone_number"], "+34600111222");
    assert_eq!(updated["payload"]["email"], "elena@example.com");
    assert_eq!(updated["payload"]["name"], "Elena Ruiz");
    // Lucía can write to her by WhatsApp (her inbox), not by email (Marcos's).
    let reachable = get(
        &app,
        &lucia,
        &at(&format!("/contacts/{id}/contactable_inboxes")),
    )
    .await;
    let kinds: Vec<&str> = reachable["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["inbox"]["channel_type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["Channel::Whatsapp"], "{reachable}");
    assert_eq!(reachable["payload"][0]["source_id"], "+34600111222");
    let one = get(&app, &lucia, &at(&format!("/contacts/{id}"))).await;
    assert_eq!(one["payload"]["contact_inboxes"], reachable["payload"]);

    let found = get(&app, &lucia, &at("/contacts/search?q=elena")).await;
    assert_eq!(found["payload"][0]["id"], id, "{found}");
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at("/contacts/search?q="),
        None,
    )
    .await;
    assert_eq!(status, 422);

    // José's conversations: the web chat one (Lucía's inbox).
    let jose: i64 =
        sqlx::query_scalar("SELECT id FROM contacts WHERE email = 'jose.martinez@example.com'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let conversations = get(
        &app,
        &lucia,
        &at(&format!("/contacts/{jose}/conversations")),
    )
    .await;
    assert_eq!(
        conversations["payload"][0]["meta"]["sender"]["id"], jose,
        "{conversations}"
    );
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::GET,
        &at("/contacts/999999"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

async fn conversations_change_through_the_api(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;
    let marcos = app.api_token(MARCOS).await;

    let list = get(
        &app,
        &lucia,
        &at("/conversations?status=open&assignee_type=all"),
    )
    .await;
    let meta = &list["data"]["meta"];
    let all = meta["all_count"].as_i64().unwrap();
    assert_eq!(
        all,
        list["data"]["payload"].as_array().unwrap().len() as i64,
        "{list}"
    );
    assert_eq!(
        meta["assigned_count"].as_i64().unwrap() + meta["unassigned_count"].as_i64().unwrap(),
        all
    );
    let mine = get(&app, &lucia, &at("/conversations?assignee_type=me")).await;
    assert_eq!(
        mine["data"]["payload"].as_array().unwrap().len() as i64,
        meta["mine_count"].as_i64().unwrap()
    );
    assert!(mine["data"]["payload"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["meta"]["assignee"]["email"] == LUCIA));
    let counts = get(&app, &lucia, &at("/conversations/meta?status=open")).await;
    assert_eq!(&counts["meta"], meta);

    // #2 is WhatsApp: Marcos does not work that inbox.
    let two = get(&app, &lucia, &at("/conversations/2")).await;
    assert_eq!(two["id"], 2);
    assert_eq!(two["meta"]["channel"], "Channel::Whatsapp");
    assert_eq!(two["messages"][0]["message_type"], 0);
    let (status, _) = api(
        &app,
        Some(&marcos),
        Method::GET,
        &at("/conversations/2"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = api(
        &app,
        Some(&marcos),
        Method::POST,
        &at("/conversations/2/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 404);

    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["payload"],
        json!({"success": true, "conversation_id": 2, "current_status": "resolved", "snoozed_until": null})
    );
    let (_, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/toggle_status"),
        None,
    )
    .await;
    assert_eq!(
        body["payload"]["current_status"], "open",
        "no status toggles it back"
    );
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/toggle_status"),
        Some(json!({"status": "closed"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");

    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/toggle_priority"),
        Some(json!({"priority": "urgent"})),
    )
    .await;
    assert_eq!((status.as_u16(), body), (200, Value::Null));
    assert_eq!(
        get(&app, &lucia, &at("/conversations/2")).await["priority"],
        "urgent"
    );
    let (_, patched) = api(
        &app,
        Some(&lucia),
        Method::PATCH,
        &at("/conversations/2"),
        Some(json!({"priority": null})),
    )
    .await;
    assert_eq!(patched["priority"], Value::Null);

    let lucia_id = app.agent_id(LUCIA).await;
    let (status, assigned) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/assignments"),
        Some(json!({"assignee_id": lucia_id})),
    )
    .await;
    assert_eq!(status, 200, "{assigned}");
    assert_eq!(assigned["email"], LUCIA);
    let (_, unassigned) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/assignments"),
        Some(json!({"assignee_id": null})),
    )
    .await;
    assert_eq!(unassigned, Value::Null);

    let signed = app.sign_in(ADMIN).await;
    let _: app::labels::Label = app
        .ok(
            &signed.cookie,
            "labels/save",
            json!({"id": null, "name": "vip", "description": "", "color": "#aa00ff"}),
        )
        .await;
    let (status, labels) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/labels"),
        Some(json!({"labels": ["vip"]})),
    )
    .await;
    assert_eq!(
        (status.as_u16(), labels),
        (200, json!({"payload": ["vip"]}))
    );
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/2/labels"),
        Some(json!({"labels": ["inexistente"]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        get(&app, &lucia, &at("/conversations/2/labels")).await,
        json!({"payload": ["vip"]})
    );
    let filtered = get(&app, &lucia, &at("/conversations?labels[]=vip")).await;
    assert_eq!(filtered["data"]["payload"].as_array().unwrap().len(), 1);

    // The seed's rule: a conversation is never deleted.
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::DELETE,
        &at("/conversations/2"),
        None,
    )
    .await;
    assert_eq!(status, 405);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("cannot be deleted"));
    let (status, _) = api(&app, None, Method::DELETE, &at("/conversations/2"), None).await;
    assert_eq!(status, 401);
    // `q` finds conversations by their messages' words, accents or not, any status.
    let found = get(&app, &lucia, &at("/conversations?q=planes%20de%20envio")).await;
    let numbers: Vec<i64> = found["data"]["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![2], "{found}");
    assert_eq!(found["data"]["meta"]["all_count"], 1);
    let (_, hidden) = api(
        &app,
        Some(&marcos),
        Method::GET,
        &at("/conversations?q=planes%20de%20envio"),
        None,
    )
    .await;
    assert_eq!(
        hidden["data"]["payload"],
        json!([]),
        "not in Marcos's inboxes"
    );
}

async fn messages_follow_the_send_rules(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;

    let history = get(&app, &lucia, &at("/conversations/1/messages")).await;
    let messages = history["payload"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{history}");
    assert_eq!(messages[0]["message_type"], 0);
    assert_eq!(messages[1]["message_type"], 1);
    assert_eq!(messages[2]["private"], true);
    assert_eq!(history["meta"]["contact"]["name"], "José Martínez");
    let first = messages[0]["id"].as_i64().unwrap();
    let after = get(
        &app,
        &lucia,
        &at(&format!("/conversations/1/messages?after={first}")),
    )
    .await;
    assert_eq!(after["payload"].as_array().unwrap().len(), 2);

    let (status, sent) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Te lo reservo ahora mismo.", "message_type": "outgoing"})),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(
        (
            sent["message_type"].as_i64(),
            sent["conversation_id"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(sent["sender"]["type"], "user");
    let (status, note) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Nota interna", "private": true})),
    )
    .await;
    assert_eq!((status.as_u16(), &note["private"]), (200, &json!(true)));
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "   "})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations/1/messages"),
        Some(json!({"content": "Hola", "message_type": "incoming"})),
    )
    .await;
    assert_eq!(status, 422);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.display_id = 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 5, "refused messages change nothing");

    // Files go as multipart `attachments[]`, as Chatwoot's clients send them.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("content", "Aquí tienes la foto")
        .part(
            "attachments[]",
            reqwest::multipart::Part::bytes(png).file_name("taladro.png"),
        );
    let res = client()
        .post(app.url(&at("/conversations/1/messages")))
        .header("api_access_token", &lucia)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let with_file: Value = res.json().await.unwrap();
    assert_eq!(with_file["content"], "Aquí tienes la foto");
    assert_eq!(
        with_file["attachments"][0]["file_type"], "image",
        "{with_file}"
    );
    assert!(with_file["attachments"][0]["data_url"]
        .as_str()
        .unwrap()
        .starts_with("http://"));
    let empty = reqwest::multipart::Form::new()
        .text("content", "vacío")
        .part(
            "attachments[]",
            reqwest::multipart::Part::bytes(Vec::new()).file_name("nada.txt"),
        );
    let res = client()
        .post(app.url(&at("/conversations/1/messages")))
        .header("api_access_token", &lucia)
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "an empty file is refused");

    // The seed's rule: a message is never deleted nor edited.
    let id = sent["id"].as_i64().unwrap();
    for method in [Method::DELETE, Method::PATCH] {
        let (status, body) = api(
            &app,
            Some(&lucia),
            method,
            &at(&format!("/conversations/1/messages/{id}")),
            None,
        )
        .await;
        assert_eq!(status, 405, "{body}");
    }

    // WhatsApp: a conversation the agent starts opens with a template, never free text.
    let jose: i64 =
        sqlx::query_scalar("SELECT id FROM contacts WHERE email = 'jose.martinez@example.com'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let whatsapp: i64 =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'whatsapp'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at("/conversations"),
        Some(
            json!({"inbox_id": whatsapp, "contact_id": jose, "message": {"content": "Hola José"}}),
        ),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let template = json!({"name": "seguimiento_pedido", "language": "es", "processed_params": {"body": {"1": "José", "2": "A-77"}}});
    let (status, opened) = api(&app, Some(&lucia), Method::POST, &at("/conversations"), Some(json!({"inbox_id": whatsapp, "contact_id": jose, "message": {"template_params": template}}))).await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(
        opened["messages"][0]["content"],
        "Hola José, tu pedido A-77 ya está en camino."
    );
    let number = opened["id"].as_i64().unwrap();
    // José has not written on WhatsApp: free text is refused, a template is accepted.
    let (status, body) = api(
        &app,
        Some(&lucia),
        Method::POST,
        &at(&format!("/conversations/{number}/messages")),
        Some(json!({"content": "¿Sigues ahí?"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["attributes"], json!(["content"]));
    let (status, body) = api(&app, Some(&lucia), Method::POST, &at(&format!("/conversations/{number}/messages")), Some(json!({"template_params": {"name": "seguimiento_pedido", "processed_params": {"1": "José", "2": "A-78"}}}))).await;
    assert_eq!(status, 200, "{body}");
}
