//! What custom chat fronts read and send beside messages through Chatwoot's Client API
//! (issue 30): the inbox's working hours as Chatwoot lists them (Sunday first, hours and
//! minutes, whole days open or closed), in the Application API's inbox too, and a new
//! conversation's custom attributes, checked like an agent's (a refused value opens
//! nothing).
use reqwest::Method;
use serde_json::{json, Value};

use crate::business_hours::set_hours;
use crate::client_api::{api_inbox, call};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    custom_fronts_read_the_working_hours,
    a_custom_front_opens_a_conversation_with_its_attributes
);

async fn custom_fronts_read_the_working_hours(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let signed = app.sign_in(ADMIN).await;
    let (inbox, base) = api_inbox(&app, &admin, "").await;
    let (_, before) = call(&app, None, Method::GET, &base, None).await;
    assert_eq!(before["working_hours_enabled"], false, "{before}");
    assert_eq!(before["working_hours"].as_array().map(Vec::len), Some(7));

    // Monday first, as the settings form sends them.
    let days = json!([
        {"open": 540, "close": 1080},
        {"open": 0, "close": 1440},
        null,
        {"open": 510, "close": 855},
        {"open": 540, "close": 1080},
        null,
        null
    ]);
    let (status, saved) = set_hours(
        &app,
        &signed.cookie,
        &inbox,
        json!({"enabled": true, "time_zone": "America/Bogota", "days": days, "holidays": [], "out_of_office": ""}),
    )
    .await;
    assert_eq!(status, 200, "{saved}");

    let (status, public) = call(&app, None, Method::GET, &base, None).await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["working_hours_enabled"], true);
    assert_eq!(public["timezone"], "America/Bogota");
    let day = |hours: &Value, n: usize| hours["working_hours"][n].clone();
    assert_eq!(
        day(&public, 0),
        json!({"day_of_week": 0, "open_all_day": false, "closed_all_day": true,
            "open_hour": null, "open_minutes": null, "close_hour": null, "close_minutes": null})
    );
    assert_eq!(
        day(&public, 1),
        json!({"day_of_week": 1, "open_all_day": false, "closed_all_day": false,
            "open_hour": 9, "open_minutes": 0, "close_hour": 18, "close_minutes": 0})
    );
    assert_eq!(day(&public, 2)["open_all_day"], true);
    assert_eq!(day(&public, 2)["close_hour"], 23);
    assert_eq!(day(&public, 2)["close_minutes"], 59);
    assert_eq!(day(&public, 3)["closed_all_day"], true);
    assert_eq!(
        (
            &day(&public, 4)["open_hour"],
            &day(&public, 4)["open_minutes"],
            &day(&public, 4)["close_hour"],
            &day(&public, 4)["close_minutes"]
        ),
        (&json!(8), &json!(30), &json!(14), &json!(15))
    );
    assert_eq!(day(&public, 6)["closed_all_day"], true);

    // The Application API's inbox lists the same.
    let account = app.account_id().await;
    let (status, agents_view) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/accounts/{account}/inboxes/{}", inbox["id"]),
        None,
    )
    .await;
    assert_eq!(status, 200, "{agents_view}");
    assert_eq!(agents_view["working_hours"], public["working_hours"]);
}

async fn a_custom_front_opens_a_conversation_with_its_attributes(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let account = app.account_id().await;
    let (status, defined) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/custom_attribute_definitions"),
        Some(
            json!({"attribute_display_name": "Pedido", "attribute_display_type": 0,
            "attribute_model": 0, "attribute_key": "pedido"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{defined}");
    let (_, base) = api_inbox(&app, &admin, "").await;
    let (_, contact) = call(
        &app,
        None,
        Method::POST,
        &format!("{base}/contacts"),
        Some(json!({"name": "Paula"})),
    )
    .await;
    let me = format!("{base}/contacts/{}", contact["source_id"].as_str().unwrap());
    let conversations = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM conversations")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };

    // A value its definition cannot take (text, not an object): refused, nothing opened.
    let before = conversations().await;
    let (status, refused) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        Some(json!({"custom_attributes": {"pedido": {"no": "plano"}}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["custom_attributes.pedido"]));
    assert_eq!(conversations().await, before);

    let (status, opened) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        Some(json!({"custom_attributes": {"pedido": "A-77", "canal": "app"}})),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    let number = opened["id"].as_i64().unwrap();
    let (_, seen) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/accounts/{account}/conversations/{number}"),
        None,
    )
    .await;
    // One name for it in both APIs (clients key conversations by `uuid`).
    assert_eq!(seen["uuid"], opened["uuid"], "{seen}");
    assert!(seen["uuid"].as_str().is_some_and(|u| u.len() == 36));
    // A key the account does not define is kept as a plain value, as Chatwoot does.
    assert_eq!(
        seen["custom_attributes"],
        json!({"pedido": "A-77", "canal": "app"}),
        "{seen}"
    );

    // No body at all still opens one, as before.
    let (status, plain) = call(
        &app,
        None,
        Method::POST,
        &format!("{me}/conversations"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{plain}");
}
