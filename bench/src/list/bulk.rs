//! A bulk action at scale: one request changing 500 conversations, timed.
use serde_json::json;
use std::time::Instant;

use crate::report::{ms, Samples};

/// A bulk action on 500 open conversations (the most one request takes), the
/// priority flipped each time so every sample changes all of them.
pub(super) async fn bulk_row(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    backend: &str,
    conversations: i64,
    messages: i64,
    samples: usize,
) -> anyhow::Result<Vec<String>> {
    let list_url = format!("http://{addr}/api/conversations/list");
    let mut ids: Vec<i64> = Vec::new();
    let mut after = serde_json::Value::Null;
    while ids.len() < 500 {
        let page: serde_json::Value = client
            .post(&list_url)
            .json(&json!({"tab": "all", "status": "open", "after": after}))
            .send()
            .await?
            .json()
            .await?;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        ids.extend(items.iter().filter_map(|c| c["id"].as_i64()));
        if page["next"].is_null() {
            break;
        }
        after = page["next"].clone();
    }
    ids.truncate(500);
    let url = format!("http://{addr}/api/conversations/bulk");
    let mut timings = Samples::new();
    let runs = samples.clamp(5, 20);
    for k in 0..runs + 2 {
        let priority = if k % 2 == 0 { "high" } else { "low" };
        let started = Instant::now();
        let res = client
            .post(&url)
            .json(&json!({"ids": ids, "action": {"kind": "set_priority", "priority": priority}}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "bulk: {}", res.status());
        let done: serde_json::Value = res.json().await?;
        anyhow::ensure!(
            done["updated"].as_array().map(Vec::len) == Some(ids.len()),
            "bulk updated all"
        );
        // The first two warm the caches.
        if k >= 2 {
            timings.push(started.elapsed());
        }
    }
    Ok(vec![
        backend.to_owned(),
        format!("{conversations} / {messages}"),
        format!("bulk priority on {} conversations ({runs} runs)", ids.len()),
        format!("{} updated", ids.len()),
        ms(timings.percentile(50.0)),
        ms(timings.percentile(99.0)),
    ])
}
