//! Chatwoot's custom filters, on both databases: an agent saves a conversation query
//! and a contact query (bare or wrapped, the type by either name), lists them by type,
//! changes one, runs the saved query through `conversations/filter`, and deletes it;
//! another agent never sees them; bad names, types and queries change nothing; an agent
//! keeps at most fifty.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(agents_keep_their_own_filters);

fn open_ones() -> Value {
    json!({"payload": [{"attribute_key": "status", "filter_operator": "equal_to",
                        "values": ["open"], "query_operator": null}]})
}

async fn agents_keep_their_own_filters(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;
    let marcos = app.api_token(MARCOS).await;
    let send = |token: &str, method: Method, path: String, body: Option<Value>| {
        let (app, token) = (&app, token.to_owned());
        async move { call(app, Some(&token), method, &path, body).await }
    };

    let (status, saved) = send(
        &lucia,
        Method::POST,
        at("/custom_filters"),
        Some(json!({"name": "  Abiertas ", "type": "conversation", "query": open_ones()})),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let id = saved["id"].as_i64().unwrap();
    assert_eq!(saved["name"], "Abiertas");
    assert_eq!(saved["filter_type"], "conversation");
    assert_eq!(saved["query"], open_ones());
    assert!(saved["created_at"].as_str().unwrap().ends_with('Z'));
    let contact_query = json!({"payload": [{"attribute_key": "email", "filter_operator": "contains", "values": ["example.org"]}]});
    let (status, contacts) = send(
        &lucia,
        Method::POST,
        at("/custom_filters"),
        Some(json!({"custom_filter": {"name": "Clientes de example.org", "filter_type": 1, "query": contact_query}})),
    )
    .await;
    assert_eq!(status, 200, "{contacts}");
    assert_eq!(contacts["filter_type"], "contact");

    // Lists are by type, conversations when none is named.
    let names = |listed: &Value| -> Vec<String> {
        listed
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, listed) = send(&lucia, Method::GET, at("/custom_filters"), None).await;
    assert_eq!(names(&listed), vec!["Abiertas"]);
    let (_, listed) = send(
        &lucia,
        Method::GET,
        at("/custom_filters?filter_type=contact"),
        None,
    )
    .await;
    assert_eq!(names(&listed), vec!["Clientes de example.org"]);
    let (status, _) = send(
        &lucia,
        Method::GET,
        at("/custom_filters?filter_type=carpeta"),
        None,
    )
    .await;
    assert_eq!(status, 422);

    // Another agent neither lists nor reads, changes or deletes them.
    let (_, theirs) = send(&marcos, Method::GET, at("/custom_filters"), None).await;
    assert_eq!(theirs, json!([]));
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let (status, _) = send(
            &marcos,
            method.clone(),
            at(&format!("/custom_filters/{id}")),
            Some(json!({"name": "Mía"})),
        )
        .await;
        assert_eq!(status, 404, "{method}");
    }

    // Refusals name the field and change nothing.
    for (body, field) in [
        (json!({"query": open_ones()}), "name"),
        (json!({"name": "   ", "query": open_ones()}), "name"),
        (json!({"name": "Sin consulta"}), "query"),
        (json!({"name": "Vacía", "query": {"payload": []}}), "query"),
        (json!({"name": "Rara", "query": [1, 2]}), "query"),
        (
            json!({"name": "Tipo", "filter_type": "carpeta", "query": open_ones()}),
            "filter_type",
        ),
    ] {
        let (status, refused) = send(
            &lucia,
            Method::POST,
            at("/custom_filters"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {refused}");
        assert_eq!(refused["attributes"], json!([field]), "{body}");
    }
    let (status, refused) = send(
        &lucia,
        Method::PATCH,
        at(&format!("/custom_filters/{id}")),
        Some(json!({"name": "Otra", "query": {"payload": "todas"}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");

    // A change keeps what it leaves out.
    let (status, changed) = send(
        &lucia,
        Method::PATCH,
        at(&format!("/custom_filters/{id}")),
        Some(json!({"custom_filter": {"name": "Abiertas hoy"}})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (&changed["name"], &changed["query"], &changed["filter_type"]),
        (&json!("Abiertas hoy"), &open_ones(), &json!("conversation"))
    );
    let (_, read) = send(
        &lucia,
        Method::GET,
        at(&format!("/custom_filters/{id}")),
        None,
    )
    .await;
    assert_eq!(read["name"], "Abiertas hoy");

    // The saved query runs as Chatwoot's mobile app runs it.
    let (status, found) = send(
        &lucia,
        Method::POST,
        at("/conversations/filter"),
        Some(read["query"].clone()),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert!(found["meta"]["all_count"].as_i64().unwrap() >= 1, "{found}");

    let (status, _) = send(
        &lucia,
        Method::DELETE,
        at(&format!("/custom_filters/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(
        &lucia,
        Method::GET,
        at(&format!("/custom_filters/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &lucia,
        Method::DELETE,
        at(&format!("/custom_filters/{id}")),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Fifty at most: the contact one and 49 more, then a refusal.
    for n in 0..49 {
        let (status, _) = send(
            &lucia,
            Method::POST,
            at("/custom_filters"),
            Some(json!({"name": format!("Carpeta {n}"), "query": open_ones()})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, refused) = send(
        &lucia,
        Method::POST,
        at("/custom_filters"),
        Some(json!({"name": "Una más", "query": open_ones()})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["custom_filters"]));
    let (status, _) = send(
        &marcos,
        Method::POST,
        at("/custom_filters"),
        Some(json!({"name": "Una más", "query": open_ones()})),
    )
    .await;
    assert_eq!(status, 200, "the limit is each agent's");
}
