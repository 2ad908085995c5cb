//! Notes on a contact through Chatwoot's API, on both databases: any agent writes
//! them (bare or under `note`), they list the latest first with their author; an empty
//! or too long text and an unknown contact change nothing; the author alone changes
//! hers; the author or an administrator deletes; merging a contact away takes its notes
//! to the contact that stays.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(the_team_keeps_notes_on_a_contact);

async fn the_team_keeps_notes_on_a_contact(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let (lucia, marcos, admin) = (
        app.api_token(LUCIA).await,
        app.api_token(MARCOS).await,
        app.api_token(ADMIN).await,
    );
    let lucia_id = app.agent_id(LUCIA).await;
    let send = |token: &str, method: Method, path: String, body: Option<Value>| {
        let (app, token) = (&app, token.to_owned());
        async move { call(app, Some(&token), method, &path, body).await }
    };
    let (status, made) = send(
        &lucia,
        Method::POST,
        at("/contacts"),
        Some(json!({"name": "Nora Notas", "email": "nora@example.org"})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let contact = made["payload"]["contact"]["id"].as_i64().unwrap();
    let notes = at(&format!("/contacts/{contact}/notes"));

    let (status, first) = send(
        &lucia,
        Method::POST,
        notes.clone(),
        Some(json!({"content": "  Prefiere que la llamen por la tarde \n"})),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["content"], "Prefiere que la llamen por la tarde");
    assert_eq!(first["contact_id"], contact);
    assert_eq!(first["user"]["id"], lucia_id);
    let first_id = first["id"].as_i64().unwrap();
    let (status, second) = send(
        &marcos,
        Method::POST,
        notes.clone(),
        Some(json!({"note": {"content": "Cliente desde 2019"}})),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let second_id = second["id"].as_i64().unwrap();
    let (_, listed) = send(&admin, Method::GET, notes.clone(), None).await;
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second_id, first_id], "the latest first");

    for body in [
        json!({"content": "   "}),
        json!({}),
        json!({"content": "x".repeat(5001)}),
        json!({"content": 12}),
    ] {
        let (status, refused) = send(&lucia, Method::POST, notes.clone(), Some(body)).await;
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["attributes"], json!(["content"]));
    }
    let (status, _) = send(
        &lucia,
        Method::POST,
        at("/contacts/999999/notes"),
        Some(json!({"content": "¿A quién?"})),
    )
    .await;
    assert_eq!(status, 404);
    let (_, listed) = send(&lucia, Method::GET, notes.clone(), None).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "refusals wrote nothing"
    );

    // Only the author changes her note; the author or an administrator deletes.
    let first_at = format!("{notes}/{first_id}");
    let (status, _) = send(
        &marcos,
        Method::PATCH,
        first_at.clone(),
        Some(json!({"content": "Mía"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, changed) = send(
        &lucia,
        Method::PATCH,
        first_at.clone(),
        Some(json!({"content": "Prefiere las mañanas"})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["content"], "Prefiere las mañanas");
    let (status, _) = send(&marcos, Method::DELETE, first_at.clone(), None).await;
    assert_eq!(status, 403);
    let (status, _) = send(&admin, Method::DELETE, first_at.clone(), None).await;
    assert_eq!(status, 200);
    let (status, _) = send(&lucia, Method::GET, first_at, None).await;
    assert_eq!(status, 404);
    // A note is found only under its own contact.
    let (status, _) = send(
        &lucia,
        Method::GET,
        at(&format!("/contacts/999999/notes/{second_id}")),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Merged away, the contact's notes go to the one that stays.
    let (status, base) = send(
        &lucia,
        Method::POST,
        at("/contacts"),
        Some(json!({"name": "Nora", "phone_number": "+34600999888"})),
    )
    .await;
    assert_eq!(status, 200, "{base}");
    let base = base["payload"]["contact"]["id"].as_i64().unwrap();
    let (status, _) = send(
        &lucia,
        Method::POST,
        at("/actions/contact_merge"),
        Some(json!({"base_contact_id": base, "mergee_contact_id": contact})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, kept) = send(
        &lucia,
        Method::GET,
        at(&format!("/contacts/{base}/notes")),
        None,
    )
    .await;
    assert_eq!(kept[0]["id"], second_id, "{kept}");
    assert_eq!(kept[0]["content"], "Cliente desde 2019");
}
