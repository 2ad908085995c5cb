//! The same lists through the Chatwoot-compatible API (`GET /api/v1/…` with an
//! `api_access_token`), as an integration polling Charla would call them.
use std::time::Instant;

use crate::report::{ms, Samples};

/// Rows of the list table: each API request timed `samples` times.
pub(super) async fn api_rows(
    running: &crate::Running,
    backend: &str,
    sizes: &str,
    samples: usize,
) -> anyhow::Result<Vec<Vec<String>>> {
    let token = admin_token(running).await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}/api/v1/accounts/1", running.addr);
    let cases = [
        (
            "API: conversations, open, page 1 (with data.meta)",
            "/conversations?status=open",
        ),
        (
            "API: conversations, assignee_type=me",
            "/conversations?status=open&assignee_type=me",
        ),
        (
            "API: conversations, every status, page 40",
            "/conversations?status=all&page=40",
        ),
        ("API: conversations/meta", "/conversations/meta?status=open"),
        ("API: contacts, page 1", "/contacts"),
    ];
    let mut rows = Vec::new();
    for (label, path) in cases {
        let url = format!("{base}{path}");
        let request = || client.get(&url).header("api_access_token", &token);
        let (answer, timings) = timed(request, samples.min(10), samples).await?;
        let items = answer["data"]["payload"]
            .as_array()
            .or(answer["payload"].as_array())
            .map(|items| format!("{} rows", items.len()))
            .unwrap_or_else(|| answer.to_string());
        rows.push(vec![
            backend.to_owned(),
            sizes.to_owned(),
            label.to_owned(),
            items,
            ms(timings.percentile(50.0)),
            ms(timings.percentile(99.0)),
        ]);
    }
    Ok(rows)
}

/// Rows of the list table: `POST …/conversations/filter` on a stored field and on a
/// custom attribute (a tenth of the conversations carry `plan: "pro"`), each timed
/// `samples` times.
pub(super) async fn filter_rows(
    running: &crate::Running,
    backend: &str,
    sizes: &str,
    samples: usize,
) -> anyhow::Result<Vec<Vec<String>>> {
    let state = &running.state;
    let input = app::attributes::ssr::DefinitionInput {
        model: app::attributes::AttributeModel::Conversation,
        key: "plan",
        display_name: "Plan",
        display_type: app::attributes::AttributeType::List,
        description: "",
        values: &["básico".to_owned(), "pro".to_owned()],
    };
    app::attributes::ssr::save(&state.db, 1, None, input)
        .await
        .map_err(|e| anyhow::anyhow!("definition: {e}"))?;
    sqlx::query(
        "UPDATE conversations SET custom_attributes = '{\"plan\":\"pro\"}' WHERE id % 10 = 0",
    )
    .execute(&state.db.pool)
    .await?;
    let token = admin_token(running).await?;
    let client = reqwest::Client::new();
    let url = format!(
        "http://{}/api/v1/accounts/1/conversations/filter",
        running.addr
    );
    let cases = [
        (
            "API: conversations/filter, status open and priority high",
            serde_json::json!([
                {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"], "query_operator": "and"},
                {"attribute_key": "priority", "filter_operator": "equal_to", "values": ["high"]}
            ]),
        ),
        (
            "API: conversations/filter, custom attribute plan = pro",
            serde_json::json!([
                {"attribute_key": "plan", "filter_operator": "equal_to", "values": ["pro"]}
            ]),
        ),
    ];
    let mut rows = Vec::new();
    for (label, payload) in cases {
        let body = serde_json::json!({ "payload": payload });
        let request = || {
            client
                .post(&url)
                .header("api_access_token", &token)
                .json(&body)
        };
        let (answer, timings) = timed(request, samples.min(5), samples).await?;
        rows.push(vec![
            backend.to_owned(),
            sizes.to_owned(),
            label.to_owned(),
            format!(
                "{} of {} matching",
                answer["payload"].as_array().map_or(0, Vec::len),
                answer["meta"]["all_count"]
            ),
            ms(timings.percentile(50.0)),
            ms(timings.percentile(99.0)),
        ]);
    }
    Ok(rows)
}

/// The administrator's API token.
async fn admin_token(running: &crate::Running) -> anyhow::Result<String> {
    let state = &running.state;
    let admin: i64 = sqlx::query_scalar("SELECT id FROM agents WHERE email = 'admin@charla.local'")
        .fetch_one(&state.db.pool)
        .await?;
    Ok(
        app::auth::access_token::ssr::current(&state.db, &state.settings.secrets, admin)
            .await
            .map_err(|e| anyhow::anyhow!("token: {e}"))?
            .token,
    )
}

/// A request sent `warm` times (each must succeed; the last answer is kept), then
/// timed `samples` times.
async fn timed(
    request: impl Fn() -> reqwest::RequestBuilder,
    warm: usize,
    samples: usize,
) -> anyhow::Result<(serde_json::Value, Samples)> {
    let mut answer = serde_json::Value::Null;
    for _ in 0..warm {
        let res = request().send().await?;
        anyhow::ensure!(res.status().is_success(), "{}: {}", res.url(), res.status());
        answer = res.json().await?;
    }
    let mut timings = Samples::new();
    for _ in 0..samples {
        let started = Instant::now();
        let _ = request().send().await?.bytes().await?;
        timings.push(started.elapsed());
    }
    Ok((answer, timings))
}
