//! An agent bot's round trip, as a bot runs: `customers` programs at once each write
//! `messages` messages to an API inbox whose bot answers every one. For each message,
//! the time from the customer's send to the bot's URL getting
//! `message_created` (through the webhook queue), and the time of the bot's reply
//! through the API with its token (which also goes through the message path).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::routing::post;
use serde_json::{json, Value};

use crate::report::{ms, table, Samples};

#[derive(Clone, Default)]
struct Bot {
    /// The customer's text → when it was sent.
    sent: Arc<Mutex<HashMap<String, Instant>>>,
    heard: Arc<Mutex<Vec<Duration>>>,
    replied: Arc<Mutex<Vec<Duration>>>,
    api: Arc<Mutex<Option<(String, String)>>>,
}

async fn hear(State(bot): State<Bot>, body: String) -> &'static str {
    let now = Instant::now();
    let Ok(event) = serde_json::from_str::<Value>(&body) else {
        return "ok";
    };
    if event["event"] != "message_created" || event["message_type"] != "incoming" {
        return "ok";
    }
    let content = event["content"].as_str().unwrap_or_default().to_owned();
    if let Some(at) = bot.sent.lock().unwrap().get(&content) {
        bot.heard
            .lock()
            .unwrap()
            .push(now.saturating_duration_since(*at));
    }
    let Some((base, token)) = bot.api.lock().unwrap().clone() else {
        return "ok";
    };
    let url = format!(
        "{base}/conversations/{}/messages",
        event["conversation"]["id"]
    );
    tokio::spawn(async move {
        let started = Instant::now();
        let res = reqwest::Client::new()
            .post(url)
            .header("api_access_token", token)
            .json(&json!({"content": format!("Respuesta a: {content}")}))
            .send()
            .await;
        if res.is_ok_and(|r| r.status().is_success()) {
            bot.replied.lock().unwrap().push(started.elapsed());
        }
    });
    "ok"
}

async fn customer(base: String, messages: usize, n: usize, bot: Bot) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let contact: Value = client
        .post(format!("{base}/contacts"))
        .json(&json!({"name": "Cliente bench"}))
        .send()
        .await?
        .json()
        .await?;
    let me = format!(
        "{base}/contacts/{}",
        contact["source_id"].as_str().unwrap_or_default()
    );
    let conversation: Value = client
        .post(format!("{me}/conversations"))
        .send()
        .await?
        .json()
        .await?;
    let thread = format!("{me}/conversations/{}/messages", conversation["id"]);
    for i in 0..messages {
        let text = format!("Pregunta {i} del cliente {n}");
        // Noted before it is sent: the bot may hear of it before the answer comes back.
        bot.sent
            .lock()
            .unwrap()
            .insert(text.clone(), Instant::now());
        let res = client
            .post(&thread)
            .json(&json!({"content": text}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "customer: {}", res.status());
        // A customer waits for the answer before asking again.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

pub async fn run(customers: usize, messages: usize) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((url, dir)) = crate::fresh_database(postgres).await? else {
            continue;
        };
        let backend = if postgres { "PostgreSQL" } else { "SQLite" };
        let running = crate::start_configured(url, dir, |config| {
            config.widget.new_visitors_per_address = 1_000_000;
            config.widget.new_visitors_per_inbox = 1_000_000;
            config.widget.messages_per_address = 1_000_000;
            config.widget.messages_per_inbox = 1_000_000;
        })
        .await?;
        let bot = Bot::default();
        let router = axum::Router::new()
            .route("/bot", post(hear))
            .with_state(bot.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let hook = format!("http://{}/bot", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, router).await });

        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let api = |path: &str| format!("http://{}{path}", running.addr);
        let res = admin
            .post(api("/api/team/create_inbox"))
            .json(&json!({"name": "Bench bot", "channel": "api"}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "inbox: {}", res.status());
        let inbox: i64 = res.json().await?;
        let res = admin
            .post(api("/api/bots/save"))
            .json(&json!({"id": null, "input": {"name": "Bench bot", "outgoing_url": hook, "inbox_ids": [inbox]}}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "bot: {}", res.status());
        let saved: Value = res.json().await?;
        let account: i64 = sqlx::query_scalar("SELECT account_id FROM inboxes WHERE id = $1")
            .bind(inbox)
            .fetch_one(&running.state.db.pool)
            .await?;
        *bot.api.lock().unwrap() = Some((
            api(&format!("/api/v1/accounts/{account}")),
            saved["access_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ));
        let identifier: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
            .bind(inbox)
            .fetch_one(&running.state.db.pool)
            .await?;
        let base = api(&format!("/public/api/v1/inboxes/{identifier}"));
        let tasks: Vec<_> = (0..customers)
            .map(|n| tokio::spawn(customer(base.clone(), messages, n, bot.clone())))
            .collect();
        for task in tasks {
            task.await??;
        }
        let want = customers * messages;
        for _ in 0..600 {
            if bot.replied.lock().unwrap().len() >= want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for (kind, samples) in [
            (
                "customer sends → bot's URL hears",
                bot.heard.lock().unwrap().clone(),
            ),
            (
                "bot's reply (POST messages)",
                bot.replied.lock().unwrap().clone(),
            ),
        ] {
            let mut s = Samples::new();
            samples.iter().for_each(|d| s.push(*d));
            rows.push(vec![
                backend.to_owned(),
                kind.to_owned(),
                format!("{}/{want}", samples.len()),
                ms(s.percentile(50.0)),
                ms(s.percentile(99.0)),
                ms(s.percentile(100.0)),
            ]);
        }
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Agent bot: {customers} customers at once, {messages} messages each, every one answered by the bot\n");
    table(
        &["database", "step", "messages", "p50 ms", "p99 ms", "max ms"],
        &rows,
    );
    Ok(())
}
