//! Chatwoot's `POST …/contacts/filter` (issue 30), on both databases: integrations find
//! a customer by phone (written any common way) or email, join conditions with
//! `and`/`or`, page through the matches; what the filter cannot read is a 422.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(integrations_find_contacts_by_phone_or_email);

async fn integrations_find_contacts_by_phone_or_email(app: TestApp) {
    let account = app.account_id().await;
    let token = app.api_token(LUCIA).await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    for (name, email, phone) in [
        ("Ana Filtro", "ana.filtro@example.com", "+34 611 22 33 44"),
        (
            "Bruno Filtro",
            "bruno.filtro@example.com",
            "+34 622 33 44 55",
        ),
        ("Carla Sin Teléfono", "carla.filtro@example.com", ""),
    ] {
        let (status, made) = call(
            &app,
            Some(&token),
            Method::POST,
            &at("/contacts"),
            Some(json!({"name": name, "email": email, "phone_number": phone})),
        )
        .await;
        assert_eq!(status, 200, "{made}");
    }
    // Enough for a second page.
    for n in 0..14 {
        let (status, made) = call(
            &app,
            Some(&token),
            Method::POST,
            &at("/contacts"),
            Some(
                json!({"name": format!("Relleno {n}"), "email": format!("relleno{n}@example.com")}),
            ),
        )
        .await;
        assert_eq!(status, 200, "{made}");
    }
    let filter = |payload: Value| {
        let (app, token, path) = (&app, &token, at("/contacts/filter"));
        async move {
            call(
                app,
                Some(token),
                Method::POST,
                &path,
                Some(json!({"payload": payload})),
            )
            .await
        }
    };
    let names = |found: &Value| -> Vec<String> {
        found["payload"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };

    // By phone, written as a person would type it (the book keeps E.164).
    let (status, found) = filter(json!([{"attribute_key": "phone_number", "filter_operator": "equal_to", "values": ["611 22 33 44"]}])).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(names(&found), ["Ana Filtro"]);
    assert_eq!(found["meta"]["count"], 1);
    assert_eq!(found["payload"][0]["phone_number"], "+34611223344");

    // Email in any case, or a phone: either one.
    let (_, found) = filter(json!([
        {"attribute_key": "email", "filter_operator": "equal_to", "values": ["BRUNO.FILTRO@example.com"], "query_operator": "or"},
        {"attribute_key": "phone_number", "filter_operator": "equal_to", "values": ["+34611223344"]}
    ]))
    .await;
    let mut both = names(&found);
    both.sort();
    assert_eq!(both, ["Ana Filtro", "Bruno Filtro"]);

    // A name fragment and no phone: only Carla.
    let (_, found) = filter(json!([
        {"attribute_key": "name", "filter_operator": "contains", "values": ["filtro"], "query_operator": "and"},
        {"attribute_key": "phone_number", "filter_operator": "is_not_present", "values": []}
    ]))
    .await;
    assert_eq!(
        names(&found),
        Vec::<String>::new(),
        "Carla's name has no 'filtro'"
    );
    let (_, found) = filter(json!([
        {"attribute_key": "email", "filter_operator": "contains", "values": ["filtro"], "query_operator": "and"},
        {"attribute_key": "phone_number", "filter_operator": "is_not_present", "values": []}
    ]))
    .await;
    assert_eq!(names(&found), ["Carla Sin Teléfono"]);

    // Negations leave out contacts without the field (as Chatwoot's NOT IN); dates.
    let (_, found) = filter(json!([
        {"attribute_key": "name", "filter_operator": "contains", "values": ["filtro"]},
        {"attribute_key": "phone_number", "filter_operator": "not_equal_to", "values": ["+34611223344"]}
    ]))
    .await;
    assert_eq!(names(&found), ["Bruno Filtro"]);
    let (_, found) = filter(json!([
        {"attribute_key": "email", "filter_operator": "does_not_contain", "values": ["relleno", "example.org"]},
        {"attribute_key": "name", "filter_operator": "contains", "values": ["FILTRO", "teléfono"]},
        {"attribute_key": "created_at", "filter_operator": "is_greater_than", "values": ["2000-01-01"]}
    ]))
    .await;
    let mut three = names(&found);
    three.sort();
    assert_eq!(three, ["Ana Filtro", "Bruno Filtro", "Carla Sin Teléfono"]);
    let (_, found) = filter(json!([{"attribute_key": "created_at", "filter_operator": "is_less_than", "values": ["2000-01-01"]}])).await;
    assert_eq!(found["meta"]["count"], 0);
    let (_, found) = filter(json!([
        {"attribute_key": "name", "filter_operator": "contains", "values": ["relleno"]},
        {"attribute_key": "created_at", "filter_operator": "days_before", "values": ["1"]}
    ]))
    .await;
    assert_eq!(
        found["meta"]["count"], 0,
        "made today, not before yesterday"
    );
    let (_, found) = filter(
        json!([{"attribute_key": "name", "filter_operator": "contains", "values": ["50%"]}]),
    )
    .await;
    assert_eq!(
        found["meta"]["count"], 0,
        "% is a character, not a wildcard"
    );

    // Nobody: an empty page. What it cannot read: 422, and why.
    let (status, found) = filter(json!([{"attribute_key": "email", "filter_operator": "equal_to", "values": ["nadie@example.com"]}])).await;
    assert_eq!(
        (
            status.as_u16(),
            found["payload"].clone(),
            found["meta"]["count"].clone()
        ),
        (200, json!([]), json!(0))
    );
    for bad in [
        json!([{"attribute_key": "password", "filter_operator": "equal_to", "values": ["x"]}]),
        json!([{"attribute_key": "email", "filter_operator": "sounds_like", "values": ["x"]}]),
        json!([]),
    ] {
        let (status, refused) = filter(bad.clone()).await;
        assert_eq!(status, 422, "{bad} → {refused}");
    }

    // Pages of 15 in id order.
    let (_, all) =
        filter(json!([{"attribute_key": "name", "filter_operator": "is_present", "values": []}]))
            .await;
    let total = all["meta"]["count"].as_i64().unwrap();
    assert!(total > 15, "{total}");
    assert_eq!(all["payload"].as_array().unwrap().len(), 15);
    let (_, second) = call(&app, Some(&token), Method::POST, &at("/contacts/filter?page=2"), Some(json!({"payload": [{"attribute_key": "name", "filter_operator": "is_present", "values": []}]}))).await;
    assert_eq!(second["meta"]["current_page"], "2");
    assert_eq!(
        second["payload"].as_array().unwrap().len() as i64,
        (total - 15).min(15)
    );
    assert!(second["payload"][0]["id"].as_i64() > all["payload"][14]["id"].as_i64());
}
