//! The Client API under load, as custom chat fronts use it: `customers` programs at
//! once, each making a contact and a conversation in an API inbox, then writing
//! `messages` messages and reading the conversation's messages after each (as a front
//! polls). The time of each kind of call, through the real server (the widget's rate
//! limits raised out of the way: this measures the work, not the limiter).
use serde_json::{json, Value};
use std::time::Instant;

use crate::report::{ms, table, Samples};

#[derive(Default)]
struct Times {
    contact: Vec<std::time::Duration>,
    conversation: Vec<std::time::Duration>,
    send: Vec<std::time::Duration>,
    list: Vec<std::time::Duration>,
}

async fn timed(request: reqwest::RequestBuilder) -> anyhow::Result<(Value, std::time::Duration)> {
    let started = Instant::now();
    let res = request.send().await?;
    anyhow::ensure!(res.status().is_success(), "client api: {}", res.status());
    let value: Value = res.json().await?;
    Ok((value, started.elapsed()))
}

async fn customer(base: String, messages: usize) -> anyhow::Result<Times> {
    let client = reqwest::Client::new();
    let mut times = Times::default();
    let (contact, took) = timed(
        client
            .post(format!("{base}/contacts"))
            .json(&json!({"name": "Cliente bench"})),
    )
    .await?;
    times.contact.push(took);
    let me = format!(
        "{base}/contacts/{}",
        contact["source_id"].as_str().unwrap_or_default()
    );
    let (conversation, took) = timed(client.post(format!("{me}/conversations"))).await?;
    times.conversation.push(took);
    let thread = format!("{me}/conversations/{}", conversation["id"]);
    for i in 0..messages {
        let (_, took) = timed(
            client
                .post(format!("{thread}/messages"))
                .json(&json!({"content": format!("Mensaje {i} del cliente")})),
        )
        .await?;
        times.send.push(took);
        let (_, took) = timed(client.get(format!("{thread}/messages"))).await?;
        times.list.push(took);
    }
    Ok(times)
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
        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let res = admin
            .post(format!("http://{}/api/team/create_inbox", running.addr))
            .json(&json!({"name": "Bench API", "channel": "api"}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "inbox: {}", res.status());
        let inbox: i64 = res.json().await?;
        let identifier: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
            .bind(inbox)
            .fetch_one(&running.state.db.pool)
            .await?;
        let base = format!("http://{}/public/api/v1/inboxes/{identifier}", running.addr);
        let started = Instant::now();
        let tasks: Vec<_> = (0..customers)
            .map(|_| tokio::spawn(customer(base.clone(), messages)))
            .collect();
        let mut all = Times::default();
        for task in tasks {
            let times = task.await??;
            all.contact.extend(times.contact);
            all.conversation.extend(times.conversation);
            all.send.extend(times.send);
            all.list.extend(times.list);
        }
        let elapsed = started.elapsed().as_secs_f64();
        let calls = all.contact.len() + all.conversation.len() + all.send.len() + all.list.len();
        for (kind, samples) in [
            ("POST contacts", &all.contact),
            ("POST conversations", &all.conversation),
            ("POST messages", &all.send),
            ("GET messages", &all.list),
        ] {
            let mut s = Samples::new();
            samples.iter().for_each(|d| s.push(*d));
            rows.push(vec![
                backend.to_owned(),
                kind.to_owned(),
                samples.len().to_string(),
                ms(s.percentile(50.0)),
                ms(s.percentile(99.0)),
                ms(s.percentile(100.0)),
                format!("{:.0}", calls as f64 / elapsed),
            ]);
        }
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!(
        "\n### Client API: {customers} programs at once, {messages} messages each (write, then read the thread)\n"
    );
    table(
        &[
            "database",
            "call",
            "calls",
            "p50 ms",
            "p99 ms",
            "max ms",
            "all calls/s",
        ],
        &rows,
    );
    Ok(())
}
