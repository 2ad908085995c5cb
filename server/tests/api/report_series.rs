//! Chatwoot's `GET /api/v2/accounts/{id}/reports` (a metric over time), on both
//! databases, over the month the reports tests seed: a point for every bucket (empty
//! ones at zero), counts and means by day, week and month, buckets cut at the offset a
//! client sends, scoped to an inbox or a label; bad questions refused and agents kept
//! out.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;
use crate::reports::{seed_month, Rows, DAY, T0};

on_both_backends!(a_metric_over_time);

/// T0's day, 2026-11-10T00:00:00Z, in Unix seconds.
const TENTH: i64 = (T0 - 10 * 3_600_000) / 1000;
const DAY_S: i64 = DAY / 1000;

fn points(answer: &Value) -> Vec<(i64, f64)> {
    answer
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|p| {
            (
                p["timestamp"].as_i64().unwrap(),
                p["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

async fn a_metric_over_time(app: TestApp) {
    let rows = Rows::new(&app, "Series").await;
    let (admin, lucia) = (app.agent_id(ADMIN).await, app.agent_id(LUCIA).await);
    seed_month(&rows, admin, lucia).await;
    let account = app.account_id().await;
    let token = app.api_token(ADMIN).await;
    let ask = |query: String| {
        let (app, token) = (&app, token.clone());
        async move {
            call(
                app,
                Some(&token),
                Method::GET,
                &format!("/api/v2/accounts/{account}/reports?{query}"),
                None,
            )
            .await
        }
    };
    let inbox = format!("type=inbox&id={}", rows.inbox);

    // Four days from the 9th: one conversation a day from the 10th, the 9th empty.
    let (status, opened) = ask(format!(
        "metric=conversations_count&{inbox}&since={}&until={}",
        TENTH - DAY_S,
        TENTH + 3 * DAY_S
    ))
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(
        points(&opened),
        vec![
            (TENTH - DAY_S, 0.0),
            (TENTH, 1.0),
            (TENTH + DAY_S, 1.0),
            (TENTH + 2 * DAY_S, 1.0)
        ]
    );
    assert!(opened[0].get("count").is_none(), "counts carry no count");

    // First responses: 600 s on the 10th, 120 s on the 11th and the 12th; the week
    // (from Monday the 9th) is their mean, of three.
    let (_, first) = ask(format!(
        "metric=avg_first_response_time&{inbox}&since={TENTH}&until={}",
        TENTH + 3 * DAY_S
    ))
    .await;
    assert_eq!(
        points(&first),
        vec![
            (TENTH, 600.0),
            (TENTH + DAY_S, 120.0),
            (TENTH + 2 * DAY_S, 120.0)
        ]
    );
    assert_eq!(first[0]["count"], 1);
    let (_, week) = ask(format!(
        "metric=avg_first_response_time&{inbox}&since={TENTH}&until={}&group_by=week",
        TENTH + 3 * DAY_S
    ))
    .await;
    assert_eq!(points(&week), vec![(TENTH - DAY_S, 280.0)]);
    assert_eq!(week[0]["count"], 3);
    let november = 1_793_491_200; // 2026-11-01T00:00:00Z
    let (_, month) = ask(format!(
        "metric=incoming_messages_count&{inbox}&since={november}&until={}&group_by=month",
        november + 30 * DAY_S
    ))
    .await;
    assert_eq!(points(&month), vec![(november, 5.0)]);
    let (_, resolved) = ask(format!(
        "metric=resolutions_count&{inbox}&since={november}&until={}&group_by=month",
        november + 30 * DAY_S
    ))
    .await;
    assert_eq!(points(&resolved), vec![(november, 2.0)]);

    // Eleven hours west, the 10th's morning messages fall on the 9th's local day, which
    // starts at 11:00 UTC.
    let (status, west) = ask(format!(
        "metric=incoming_messages_count&{inbox}&since={TENTH}&until={}&timezone_offset=-11",
        TENTH + DAY_S
    ))
    .await;
    assert_eq!(status, 200, "{west}");
    assert_eq!(
        points(&west),
        vec![(TENTH - 13 * 3600, 3.0), (TENTH + 11 * 3600, 0.0)]
    );

    // A label's series counts only the conversations carrying it.
    let cookie = app.sign_in(ADMIN).await.cookie;
    let label: app::labels::Label = app
        .ok(
            &cookie,
            "labels/save",
            json!({"id": null, "name": "serie", "color": "#1f77b4"}),
        )
        .await;
    let first_conversation: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM conversations WHERE inbox_id = $1")
            .bind(rows.inbox)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    sqlx::query(
        "INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(first_conversation)
    .bind(label.id)
    .bind(T0)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let (_, labelled) = ask(format!(
        "metric=conversations_count&type=label&id={}&since={TENTH}&until={}",
        label.id,
        TENTH + 2 * DAY_S
    ))
    .await;
    assert_eq!(points(&labelled), vec![(TENTH, 1.0), (TENTH + DAY_S, 0.0)]);

    // The first conversation's own measured durations, as Chatwoot lists them.
    let first_number: i64 =
        sqlx::query_scalar("SELECT display_id FROM conversations WHERE id = $1")
            .bind(first_conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let events_path =
        format!("/api/v1/accounts/{account}/conversations/{first_number}/reporting_events");
    let (status, events) = call(&app, Some(&token), Method::GET, &events_path, None).await;
    assert_eq!(status, 200, "{events}");
    let mut measured: Vec<(String, i64)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["value"].as_f64().unwrap() as i64,
            )
        })
        .collect();
    measured.sort();
    assert_eq!(
        measured,
        vec![
            ("conversation_resolved".to_owned(), 500),
            ("conversation_resolved".to_owned(), 2000),
            ("first_response".to_owned(), 600),
            ("reply_time".to_owned(), 300),
        ]
    );
    assert_eq!(events[0]["conversation_id"], first_number);
    let ends: Vec<i64> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_end_time"].as_i64().unwrap())
        .collect();
    assert!(
        ends.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {ends:?}"
    );
    let outsider = app.api_token(MARCOS).await;
    let (status, _) = call(&app, Some(&outsider), Method::GET, &events_path, None).await;
    assert_eq!(status, 404, "a conversation of an inbox he does not work");

    // Bad questions are refused, naming what is wrong.
    for (query, field) in [
        (
            format!("{inbox}&since={TENTH}&until={}", TENTH + DAY_S),
            "metric",
        ),
        (
            format!(
                "metric=bot_handoffs&{inbox}&since={TENTH}&until={}",
                TENTH + DAY_S
            ),
            "metric",
        ),
        (
            format!("metric=conversations_count&{inbox}&since={TENTH}"),
            "until",
        ),
        (
            format!(
                "metric=conversations_count&{inbox}&since={TENTH}&until={}",
                TENTH - 1
            ),
            "until",
        ),
        (
            format!(
                "metric=conversations_count&{inbox}&since={TENTH}&until={}&timezone_offset=99",
                TENTH + DAY_S
            ),
            "timezone_offset",
        ),
        (
            format!(
                "metric=conversations_count&{inbox}&since={}&until={TENTH}&group_by=hour",
                TENTH - 700 * DAY_S
            ),
            "group_by",
        ),
        (
            format!(
                "metric=conversations_count&type=inbox&since={TENTH}&until={}",
                TENTH + DAY_S
            ),
            "id",
        ),
    ] {
        let (status, refused) = ask(query.clone()).await;
        assert_eq!(status, 422, "{query}: {refused}");
        assert_eq!(refused["attributes"], json!([field]), "{query}");
    }
    let (status, _) = ask(format!(
        "metric=conversations_count&type=inbox&id=999999&since={TENTH}&until={}",
        TENTH + DAY_S
    ))
    .await;
    assert_eq!(status, 404);
    let agent = app.api_token(LUCIA).await;
    let (status, _) = call(
        &app,
        Some(&agent),
        Method::GET,
        &format!(
            "/api/v2/accounts/{account}/reports?metric=conversations_count&since={TENTH}&until={}",
            TENTH + DAY_S
        ),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // Refused before the question is read.
    let (status, _) = call(
        &app,
        Some(&agent),
        Method::GET,
        &format!("/api/v2/accounts/{account}/reports?since={TENTH}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
}
