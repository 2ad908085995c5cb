//! Webhook delivery at a steady rate: a webhook on `message_created` pointing at a
//! local receiver, replies sent through the real server at `rate` a second (open
//! loop), and for each the time from the send's answer to the receiver getting its
//! signed POST. Every reply must arrive exactly once (none lost, none repeated).
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};

type Arrivals = Arc<Mutex<HashMap<i64, (Instant, usize)>>>;

async fn receiver() -> anyhow::Result<(String, Arrivals)> {
    let arrivals: Arrivals = Arc::default();
    let kept = arrivals.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let kept = kept.clone();
            async move {
                let now = Instant::now();
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) {
                    if let Some(id) = value["id"].as_i64() {
                        let mut map = kept.lock().unwrap();
                        let entry = map.entry(id).or_insert((now, 0));
                        entry.1 += 1;
                    }
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((format!("http://{addr}/hook"), arrivals))
}

pub async fn run(rate: usize, seconds: u64) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let (url, arrivals) = receiver().await?;
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let res = client
            .post(format!("http://{}/api/webhooks/save", running.addr))
            .json(&json!({"id": null, "input": {"name": "bench", "url": url, "subscriptions": ["message_created"]}}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "webhook: {}", res.status());
        let conversations: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM conversations ORDER BY id")
                .fetch_all(&running.state.db.pool)
                .await?;
        let total = rate * seconds as usize;
        let send_url = format!("http://{}/api/conversations/send", running.addr);
        let started = tokio::time::Instant::now();
        let mut sends = Vec::with_capacity(total);
        for i in 0..total {
            tokio::time::sleep_until(started + Duration::from_secs_f64(i as f64 / rate as f64))
                .await;
            let (client, url) = (client.clone(), send_url.clone());
            let body = json!({
                "conversation_id": conversations[i % conversations.len()],
                "body": format!("Respuesta {i}"),
                "private": false,
                "idempotency_key": format!("hook-{i}"),
                "mentions": [],
            });
            sends.push(tokio::spawn(async move {
                let res = client.post(&url).json(&body).send().await?;
                anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
                let answered = Instant::now();
                let message: serde_json::Value = res.json().await?;
                Ok::<_, anyhow::Error>((message["id"].as_i64().unwrap_or_default(), answered))
            }));
        }
        let mut sent = Vec::with_capacity(total);
        for send in sends {
            sent.push(send.await??);
        }
        // Everything should arrive within a few seconds; wait up to a minute.
        let deadline = Instant::now() + Duration::from_secs(60);
        while arrivals.lock().unwrap().len() < total && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let got = arrivals.lock().unwrap().clone();
        let mut latency = Samples::new();
        let (mut lost, mut repeated) = (0, 0);
        for (id, answered) in &sent {
            match got.get(id) {
                Some((at, count)) => {
                    latency.push(at.saturating_duration_since(*answered));
                    if *count > 1 {
                        repeated += 1;
                    }
                }
                None => lost += 1,
            }
        }
        rows.push(vec![
            backend.to_owned(),
            format!("{rate}/s × {seconds} s"),
            total.to_string(),
            ms(latency.percentile(50.0)),
            ms(latency.percentile(99.0)),
            ms(latency.percentile(100.0)),
            lost.to_string(),
            repeated.to_string(),
        ]);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Webhook delivery: reply answered → signed POST received (local receiver)\n");
    table(
        &[
            "database", "offered", "messages", "p50 ms", "p99 ms", "max ms", "lost", "repeated",
        ],
        &rows,
    );
    Ok(())
}
