//! Custom attributes through Chatwoot's API, on both databases: administrators define
//! them (`custom_attribute_definitions`, types and models by Chatwoot's numbers or
//! names; agents may only read); contacts take values on create and update (merged,
//! checked by type, a refused value changes nothing), lose them by key
//! (`destroy_custom_attributes`); a conversation's values are replaced whole and shown
//! on it; both filters find by them; a definition deleted leaves the values.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(custom_attributes_through_the_api);

async fn custom_attributes_through_the_api(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let marcos = app.api_token(MARCOS).await;
    let send = |token: String, method: Method, path: String, body: Option<Value>| {
        let app = &app;
        async move { call(app, Some(&token), method, &path, body).await }
    };
    let define = |body: Value| {
        send(
            admin.clone(),
            Method::POST,
            at("/custom_attribute_definitions"),
            Some(body),
        )
    };

    // Definitions: Chatwoot's numbers (6 list, 1 number; model 1 contact) and names.
    let (status, plan) = define(json!({
        "attribute_display_name": "Plan", "attribute_display_type": 6, "attribute_model": 1,
        "attribute_key": "plan", "attribute_values": ["básico", "pro"],
        "attribute_description": "Lo que paga"
    }))
    .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["attribute_display_type"], "list");
    assert_eq!(plan["attribute_model"], "contact_attribute");
    assert_eq!(plan["attribute_values"], json!(["básico", "pro"]));
    let (status, orders) = define(json!({"custom_attribute_definition": {
        "attribute_display_name": "Pedidos", "attribute_display_type": "number",
        "attribute_model": "contact_attribute"
    }}))
    .await;
    assert_eq!(status, 200, "{orders}");
    assert_eq!(
        orders["attribute_key"], "pedidos",
        "the key comes from the name"
    );
    let (status, order) = define(json!({
        "attribute_display_name": "Número de pedido", "attribute_display_type": 0,
        "attribute_model": 0, "attribute_key": "order_number"
    }))
    .await;
    assert_eq!(status, 200, "{order}");
    let (status, renewal) = define(json!({
        "attribute_display_name": "Renovación", "attribute_display_type": 5,
        "attribute_model": "conversation_attribute", "attribute_key": "renewal"
    }))
    .await;
    assert_eq!(status, 200, "{renewal}");
    let (status, taken) = define(json!({
        "attribute_display_name": "Plan", "attribute_model": 1, "attribute_key": "plan"
    }))
    .await;
    assert_eq!(status, 422, "{taken}");
    assert_eq!(taken["attributes"], json!(["attribute_key"]));
    let (status, reserved) = define(json!({
        "attribute_display_name": "Correo", "attribute_model": 1, "attribute_key": "email"
    }))
    .await;
    assert_eq!(
        status, 422,
        "a contact's own field is no attribute key: {reserved}"
    );
    let (status, defaulted) = define(json!({
        "attribute_display_name": "Canal de origen", "attribute_key": "sourceChannel"
    }))
    .await;
    assert_eq!(status, 200, "{defaulted}");
    assert_eq!(
        defaulted["attribute_model"], "conversation_attribute",
        "Chatwoot's default"
    );
    assert_eq!(defaulted["attribute_key"], "sourceChannel", "kept as sent");
    let (status, empty_list) = define(json!({
        "attribute_display_name": "Nivel", "attribute_display_type": 6, "attribute_model": 1
    }))
    .await;
    assert_eq!(status, 422, "a list needs choices: {empty_list}");
    let (status, _) = send(
        lucia.clone(),
        Method::POST,
        at("/custom_attribute_definitions"),
        Some(json!({"attribute_display_name": "De Lucía", "attribute_model": 1})),
    )
    .await;
    assert_eq!(status, 403, "agents read definitions, never write them");
    let (status, contact_ones) = send(
        lucia.clone(),
        Method::GET,
        at("/custom_attribute_definitions?attribute_model=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = contact_ones
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attribute_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["pedidos", "plan"], "contacts' only, by name");
    let (status, _) = send(
        lucia.clone(),
        Method::GET,
        at("/custom_attribute_definitions?attribute_model=ticket"),
        None,
    )
    .await;
    assert_eq!(status, 422);

    // A contact with values: typed, and an API client's own key kept as sent.
    let (status, created) = send(
        lucia.clone(),
        Method::POST,
        at("/contacts"),
        Some(
            json!({"name": "Irene Atributos", "email": "irene.attr@example.com",
            "custom_attributes": {"plan": "pro", "pedidos": "3", "origen": "tienda"}}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let contact = &created["payload"]["contact"];
    let contact_id = contact["id"].as_i64().unwrap();
    assert_eq!(
        contact["custom_attributes"],
        json!({"plan": "pro", "pedidos": 3, "origen": "tienda"})
    );
    let contact_path = at(&format!("/contacts/{contact_id}"));
    // A value the list does not offer refuses the whole update.
    let (status, refused) = send(
        lucia.clone(),
        Method::PUT,
        contact_path.clone(),
        Some(json!({"name": "Irene Cambiada", "custom_attributes": {"plan": "oro"}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["custom_attributes.plan"]));
    let (_, now) = send(lucia.clone(), Method::GET, contact_path.clone(), None).await;
    assert_eq!(now["payload"]["name"], "Irene Atributos", "nothing changed");
    // Merged: the keys not sent stay; null clears one.
    let (status, updated) = send(
        lucia.clone(),
        Method::PUT,
        contact_path.clone(),
        Some(json!({"custom_attributes": {"plan": "básico", "pedidos": null}})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["payload"]["custom_attributes"],
        json!({"plan": "básico", "origen": "tienda"})
    );
    let (status, dropped) = send(
        lucia.clone(),
        Method::POST,
        format!("{contact_path}/destroy_custom_attributes"),
        Some(json!({"custom_attributes": ["origen"]})),
    )
    .await;
    assert_eq!(status, 200, "{dropped}");
    assert_eq!(
        dropped["payload"]["custom_attributes"],
        json!({"plan": "básico"})
    );

    // The contact filter reads them by type.
    let contact_filter = |payload: Value| {
        send(
            admin.clone(),
            Method::POST,
            at("/contacts/filter"),
            Some(json!({"payload": payload})),
        )
    };
    let (status, found) = contact_filter(json!([
        {"attribute_key": "plan", "filter_operator": "equal_to", "values": ["BÁSICO"]}
    ]))
    .await;
    assert_eq!(status, 200, "{found}");
    let found_ids: Vec<i64> = found["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(found_ids.contains(&contact_id), "{found}");
    let (_, pro) = contact_filter(json!([
        {"attribute_key": "plan", "filter_operator": "equal_to", "values": ["pro"]}
    ]))
    .await;
    assert!(!pro["payload"]
        .to_string()
        .contains("irene.attr@example.com"));
    // Not "pro": hers, and those without a plan at all (as Chatwoot's).
    let (_, not_pro) = contact_filter(json!([
        {"attribute_key": "plan", "filter_operator": "not_equal_to", "values": ["pro"]}
    ]))
    .await;
    let listed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contacts WHERE account_id = $1 AND (email IS NOT NULL OR phone_e164 IS NOT NULL)",
    )
    .bind(account)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(not_pro["meta"]["count"], listed, "{not_pro}");
    let (status, unknown) = contact_filter(json!([
        {"attribute_key": "origen", "filter_operator": "equal_to", "values": ["tienda"]}
    ]))
    .await;
    assert_eq!(
        status, 422,
        "a key nobody defined is not a filter: {unknown}"
    );

    // A conversation Marcos does not work: its values, replaced whole.
    let number: i64 = sqlx::query_scalar(
        "SELECT c.display_id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = 'whatsapp' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let values_path = at(&format!("/conversations/{number}/custom_attributes"));
    let (status, set) = send(
        lucia.clone(),
        Method::POST,
        values_path.clone(),
        Some(json!({"custom_attributes": {"order_number": "A-17", "renewal": "2027-01-31T00:00:00Z"}})),
    )
    .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        set["custom_attributes"],
        json!({"order_number": "A-17", "renewal": "2027-01-31T00:00:00Z"}),
        "a timestamp is kept as sent (compared by its day)"
    );
    let (status, bad_day) = send(
        lucia.clone(),
        Method::POST,
        values_path.clone(),
        Some(json!({"custom_attributes": {"renewal": "31/01/2027"}})),
    )
    .await;
    assert_eq!(status, 422, "{bad_day}");
    let (status, _) = send(
        marcos.clone(),
        Method::POST,
        values_path.clone(),
        Some(json!({"custom_attributes": {"order_number": "B-1"}})),
    )
    .await;
    assert_eq!(status, 404, "another inbox's conversation");
    let (_, shown) = send(
        lucia.clone(),
        Method::GET,
        at(&format!("/conversations/{number}")),
        None,
    )
    .await;
    assert_eq!(shown["custom_attributes"]["order_number"], "A-17");
    let conversation_filter = |payload: Value| {
        send(
            admin.clone(),
            Method::POST,
            at("/conversations/filter"),
            Some(json!({"payload": payload})),
        )
    };
    let (status, found) = conversation_filter(json!([
        {"attribute_key": "order_number", "filter_operator": "equal_to", "values": ["a-17"], "query_operator": "and"},
        {"attribute_key": "renewal", "filter_operator": "is_greater_than", "values": ["2027-01-01"]}
    ]))
    .await;
    assert_eq!(status, 200, "{found}");
    let numbers: Vec<i64> = found["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [number]);
    let (_, none) = conversation_filter(json!([
        {"attribute_key": "renewal", "filter_operator": "is_less_than", "values": ["2027-01-01"]}
    ]))
    .await;
    assert_eq!(none["meta"]["all_count"], 0, "{none}");
    // Replaced whole: what is not sent is gone.
    let (_, replaced) = send(
        lucia.clone(),
        Method::POST,
        values_path.clone(),
        Some(json!({"custom_attributes": {"renewal": "2027-02-01"}})),
    )
    .await;
    assert_eq!(
        replaced["custom_attributes"],
        json!({"renewal": "2027-02-01"})
    );
    let (_, _) = send(
        lucia.clone(),
        Method::POST,
        values_path.clone(),
        Some(json!({"custom_attributes": {"renewal": "2027-02-01", "order_number": "A-18"}})),
    )
    .await;
    // Keys dropped one by one; a body without the list, or another inbox's agent,
    // changes nothing.
    let destroy_path = at(&format!(
        "/conversations/{number}/destroy_custom_attributes"
    ));
    let (status, _) = send(
        lucia.clone(),
        Method::POST,
        destroy_path.clone(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = send(
        marcos.clone(),
        Method::POST,
        destroy_path.clone(),
        Some(json!({"custom_attributes": ["renewal"]})),
    )
    .await;
    assert_eq!(status, 404, "another inbox's conversation");
    let (status, dropped) = send(
        lucia.clone(),
        Method::POST,
        destroy_path,
        Some(json!({"custom_attributes": ["renewal"]})),
    )
    .await;
    assert_eq!(status, 200, "{dropped}");
    assert_eq!(
        dropped["custom_attributes"],
        json!({"order_number": "A-18"}),
        "the refused calls dropped nothing; this one only what it named"
    );

    // A definition deleted: its values stay on the contact.
    let plan_id = plan["id"].as_i64().unwrap();
    let definition_path = at(&format!("/custom_attribute_definitions/{plan_id}"));
    let (status, _) = send(lucia.clone(), Method::DELETE, definition_path.clone(), None).await;
    assert_eq!(status, 403);
    let (status, _) = send(admin.clone(), Method::DELETE, definition_path.clone(), None).await;
    assert_eq!(status, 204);
    let (status, _) = send(admin.clone(), Method::GET, definition_path, None).await;
    assert_eq!(status, 404);
    let (_, after) = send(lucia.clone(), Method::GET, contact_path, None).await;
    assert_eq!(
        after["payload"]["custom_attributes"],
        json!({"plan": "básico"})
    );
}
