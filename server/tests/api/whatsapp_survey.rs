//! The satisfaction survey on WhatsApp (issue 31), against the local Graph fake, on
//! both databases: resolving a conversation of a WhatsApp inbox with the survey on
//! sends an interactive list as Meta receives it (the question and the survey page's
//! link as its text, five ratings); the customer's choice, which names the survey
//! message it answers, is kept as her answer once (Meta delivering it again changes
//! nothing) and never reopens the conversation as a message would.
use serde_json::json;

use crate::csat::{set_status, switch_on};
use crate::fake_graph::FakeGraph;
use crate::helpers::*;
use crate::on_both_backends;
use crate::whatsapp::{
    configure, delivery, now_secs, open_conversation, post_signed, wait_status, CUSTOMER,
};
use app::domain::DeliveryStatus;

on_both_backends!(the_survey_is_a_list_and_her_choice_is_her_answer);

async fn the_survey_is_a_list_and_her_choice_is_her_answer(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let admin = app.sign_in(ADMIN).await;
    switch_on(&app, &admin.cookie, inbox, "¿Qué tal te atendimos?").await;
    let conversation = open_conversation(&app, inbox, "wamid.hola").await;
    set_status(&app, &admin.cookie, conversation, "resolved").await;

    let survey: i64 = sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND content_type = 'input_csat'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let (_, external) = wait_status(&app, survey, DeliveryStatus::Sent).await;
    let external = external.expect("Meta's id of the survey");
    let sent = fake.sent();
    let list = sent
        .iter()
        .find(|p| p["type"] == "interactive")
        .expect("an interactive message");
    assert_eq!(list["to"], CUSTOMER);
    assert_eq!(list["interactive"]["type"], "list");
    let text = list["interactive"]["body"]["text"].as_str().unwrap();
    assert!(text.starts_with("¿Qué tal te atendimos?"), "{text}");
    assert!(
        text.contains("/survey/"),
        "the page's link, for a comment: {text}"
    );
    let rows = list["interactive"]["action"]["sections"][0]["rows"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["csat:5", "csat:4", "csat:3", "csat:2", "csat:1"]);

    // She picks "4"; Meta delivers it twice.
    let choice = json!({"from": CUSTOMER, "id": "wamid.eleccion", "timestamp": now_secs().to_string(),
        "type": "interactive", "context": {"from": "34900000000", "id": external},
        "interactive": {"type": "list_reply", "list_reply": {"id": "csat:4", "title": "4 ★★★★ Buena"}}});
    for _ in 0..2 {
        assert_eq!(
            post_signed(&app, inbox, &delivery(vec![choice.clone()], vec![])).await,
            200
        );
    }
    let (rating, status): (Option<i64>, String) = sqlx::query_as(
        "SELECT s.rating, c.status FROM csat_surveys s JOIN conversations c ON c.id = s.conversation_id \
         WHERE s.conversation_id = $1",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rating, Some(4));
    assert_eq!(
        status, "resolved",
        "an answer does not reopen the conversation"
    );
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE external_id = 'wamid.eleccion'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0, "kept as her answer, not as a message");
    let lines: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND content_attributes LIKE '%survey_answered%'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(lines, 1, "the agents read one line saying so");

    // A list reply naming no survey of hers is an ordinary message.
    let stray = json!({"from": CUSTOMER, "id": "wamid.suelta", "timestamp": now_secs().to_string(),
        "type": "interactive", "context": {"from": "34900000000", "id": "wamid.otra-cosa"},
        "interactive": {"type": "list_reply", "list_reply": {"id": "csat:1", "title": "1 ★ Muy mala"}}});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![stray], vec![])).await,
        200
    );
    let body: String =
        sqlx::query_scalar("SELECT body FROM messages WHERE external_id = 'wamid.suelta'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(body, "1 ★ Muy mala");
    let rating: Option<i64> =
        sqlx::query_scalar("SELECT rating FROM csat_surveys WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(rating, Some(4), "the first answer stays");
}
