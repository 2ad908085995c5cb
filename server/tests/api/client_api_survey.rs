//! A custom chat front answers the satisfaction survey through Chatwoot's Client API,
//! on both databases: the survey reaches it as an `input_csat` message, the customer's
//! `PATCH …/messages/{id}` with `submitted_values.csat_survey_response` keeps her answer
//! once (the card then carries it, for her and for the Application API), and a rating
//! out of range, an empty submission, a message that asks nothing or a stranger's path
//! change nothing.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(a_custom_front_answers_the_survey);

fn by_type<'a>(listed: &'a Value, content_type: &str) -> &'a Value {
    listed
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .find(|m| m["content_type"] == content_type)
        .unwrap_or_else(|| panic!("no {content_type} in {listed}"))
}

async fn a_custom_front_answers_the_survey(app: TestApp) {
    let token = app.api_token(ADMIN).await;
    let account = app.account_id().await;
    let (inbox, base) = api_inbox(&app, &token, "").await;
    let cookie = app.sign_in(ADMIN).await.cookie;
    crate::csat::switch_on(
        &app,
        &cookie,
        inbox["id"].as_i64().unwrap(),
        "¿Qué tal te atendimos?",
    )
    .await;
    let (number, thread) = customer_writes(&app, &base, &["Hola"]).await;
    let (status, _) = call(
        &app,
        Some(&token),
        Method::POST,
        &format!("/api/v1/accounts/{account}/conversations/{number}/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);

    let (status, listed) = call(&app, None, Method::GET, &format!("{thread}/messages"), None).await;
    assert_eq!(status, 200, "{listed}");
    let card = by_type(&listed, "input_csat");
    assert_eq!(card["content"], "¿Qué tal te atendimos?");
    assert_eq!(
        card["message_type"], 3,
        "a template, as Chatwoot sends its survey"
    );
    assert!(card["content_attributes"].get("submitted_values").is_none());
    let card_id = card["id"].as_i64().unwrap();
    let plain = by_type(&listed, "text")["id"].as_i64().unwrap();
    let patch = |id: i64, body: Value| {
        let (app, path) = (&app, format!("{thread}/messages/{id}"));
        async move { call(app, None, Method::PATCH, &path, Some(body)).await }
    };
    let answer = |rating: Value| json!({"submitted_values": {"csat_survey_response": {"rating": rating, "feedback_message": "Muy rápido"}}});

    for (id, body, field) in [
        (plain, answer(json!(5)), "submitted_values"),
        (card_id, json!({"submitted_values": {}}), "submitted_values"),
        (card_id, json!({"content": "hola"}), "submitted_values"),
        (card_id, answer(json!(9)), "rating"),
        (card_id, answer(json!("mucho")), "rating"),
        (
            card_id,
            json!({"submitted_values": {"csat_survey_response": {"rating": 4, "feedback_message": 7}}}),
            "feedback_message",
        ),
        (
            card_id,
            json!({"submitted_values": {"csat_survey_response": {"rating": 4, "feedback_message": "x".repeat(5000)}}}),
            "feedback_message",
        ),
    ] {
        let (status, refused) = patch(id, body.clone()).await;
        assert_eq!(status, 422, "{body}: {refused}");
        assert_eq!(refused["attributes"], json!([field]), "{body}");
    }
    let (status, _) = patch(999_999, answer(json!(5))).await;
    assert_eq!(status, 404);
    let unanswered: Option<i64> =
        sqlx::query_scalar("SELECT rating FROM csat_surveys WHERE message_id = $1")
            .bind(card_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(unanswered, None, "refusals changed nothing");

    // Another customer of the inbox does not reach it through her own thread.
    let (_, stranger) = customer_writes(&app, &base, &["Yo también"]).await;
    let (status, _) = call(
        &app,
        None,
        Method::PATCH,
        &format!("{stranger}/messages/{card_id}"),
        Some(answer(json!(1))),
    )
    .await;
    assert_eq!(status, 404);

    let (status, answered) = patch(card_id, answer(json!(4))).await;
    assert_eq!(status, 200, "{answered}");
    let submitted =
        json!({"csat_survey_response": {"rating": 4, "feedback_message": "Muy rápido"}});
    assert_eq!(answered["content_type"], "input_csat");
    assert_eq!(
        answered["content_attributes"]["submitted_values"],
        submitted
    );
    let (status, again) = patch(card_id, answer(json!(1))).await;
    assert_eq!(
        (status.as_u16(), &again["code"]),
        (422, &json!("taken")),
        "one answer: {again}"
    );

    // The agents' API reads the same answer on the card.
    let (_, thread_for_agents) = call(
        &app,
        Some(&token),
        Method::GET,
        &format!("/api/v1/accounts/{account}/conversations/{number}/messages"),
        None,
    )
    .await;
    let card = by_type(&thread_for_agents["payload"], "input_csat");
    assert_eq!(card["content_attributes"]["submitted_values"], submitted);
    let rating: Option<i64> =
        sqlx::query_scalar("SELECT rating FROM csat_surveys WHERE message_id = $1")
            .bind(card_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(rating, Some(4));
}
