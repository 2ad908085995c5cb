//! WhatsApp: signed webhook deliveries through the real endpoint (signature check,
//! contact lookup, routing, storage, events) at rising concurrency, and the outbox
//! draining replies to a Graph API stand-in that answers at once (so the figure is
//! Charla's own cost per send, not Meta's).
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};
use app::channels::whatsapp::webhook::sign;

const SECRET: &str = "bench-app-secret";
const TOKEN: &str = "bench-token";
const PHONE_ID: &str = "111222333";
const CONCURRENCY: &[usize] = &[1, 8, 32];
/// Distinct customers writing in (each delivery is a new message of one of them).
const CUSTOMERS: usize = 200;

/// Answers every send like Meta, instantly.
pub(crate) async fn instant_graph() -> anyhow::Result<String> {
    let counter = Arc::new(AtomicUsize::new(0));
    let router = Router::new().route(
        "/{version}/{id}/messages",
        post(move |Json(_body): Json<Value>| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            async move { Json(json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.bench{n}")}]})) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(format!("http://{addr}"))
}

fn delivery(n: usize, customers: usize) -> Vec<u8> {
    let wa_id = format!("3460{:07}", n % customers);
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": format!("Cliente {}", n % customers)}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": format!("wamid.in{n}"), "timestamp": (app::db::now_ms() / 1000).to_string(),
                "type": "text", "text": {"body": format!("Mensaje de prueba {n}")}}]}}]}]});
    serde_json::to_vec(&body).expect("json")
}

pub(crate) async fn inbound(
    url: &str,
    first: usize,
    total: usize,
    concurrency: usize,
    customers: usize,
) -> anyhow::Result<(Duration, Samples)> {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let body = delivery(first + i, customers);
                let signature = sign(SECRET, &body);
                let t = Instant::now();
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-hub-signature-256", signature)
                    .body(body)
                    .send()
                    .await?;
                anyhow::ensure!(res.status().is_success(), "webhook: {}", res.status());
                samples.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(samples)
        }));
    }
    let mut all = Samples::new();
    for worker in workers {
        for d in worker.await?? {
            all.push(d);
        }
    }
    Ok((started.elapsed(), all))
}

/// The demo's WhatsApp inbox, pointed at `graph` with the bench's secrets.
pub(crate) async fn configured_inbox(
    running: &crate::Running,
    admin: &reqwest::Client,
    graph: &str,
) -> anyhow::Result<i64> {
    let inbox: i64 = sqlx::query_scalar(
        "SELECT id FROM inboxes WHERE channel_kind = 'whatsapp' ORDER BY id LIMIT 1",
    )
    .fetch_one(&running.state.db.pool)
    .await?;
    let res = admin
        .post(format!("http://{}/api/team/save_whatsapp", running.addr))
        .json(&json!({"id": inbox, "settings": {"phone_number_id": PHONE_ID, "business_account_id": "1",
            "api_base_url": graph, "api_version": "v21.0", "access_token": TOKEN, "app_secret": SECRET, "verify_token": "v"}}))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "configuring the inbox: {}",
        res.status()
    );
    Ok(inbox)
}

pub async fn run(total: usize) -> anyhow::Result<()> {
    let graph = instant_graph().await?;
    let mut inbound_rows = Vec::new();
    let mut outbound_rows = Vec::new();
    let mut assignment_rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let inbox = configured_inbox(&running, &admin, &graph).await?;
        let webhook = format!("http://{}/webhooks/whatsapp/{inbox}", running.addr);
        let mut first = 0;
        for &concurrency in CONCURRENCY {
            let (elapsed, samples) =
                inbound(&webhook, first, total, concurrency, CUSTOMERS).await?;
            first += total;
            inbound_rows.push(vec![
                backend.to_owned(),
                concurrency.to_string(),
                format!("{:.0}", total as f64 / elapsed.as_secs_f64()),
                ms(samples.percentile(50.0)),
                ms(samples.percentile(99.0)),
            ]);
        }

        // Every delivery from a new customer (each opens a conversation), with the
        // inbox's automatic assignment off and then on (Lucía, a member, online): what
        // choosing an assignee adds to an inbound message.
        let mut offset = 1_000_000;
        for enabled in [false, true] {
            let res = admin
                .post(format!(
                    "http://{}/api/team/save_inbox_assignment",
                    running.addr
                ))
                .json(&json!({"id": inbox, "enabled": enabled, "limit": 0}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "assignment: {}", res.status());
            sqlx::query(
                "UPDATE agents SET availability = 'online' WHERE email = 'lucia@charla.local'",
            )
            .execute(&running.state.db.pool)
            .await?;
            for concurrency in [1, 8] {
                let (elapsed, samples) =
                    inbound(&webhook, offset, total, concurrency, usize::MAX).await?;
                offset += total;
                let assigned: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM conversations WHERE inbox_id = $1 AND assignee_id IS NOT NULL",
                )
                .bind(inbox)
                .fetch_one(&running.state.db.pool)
                .await?;
                assignment_rows.push(vec![
                    backend.to_owned(),
                    if enabled { "on" } else { "off" }.to_owned(),
                    concurrency.to_string(),
                    format!("{:.0}", total as f64 / elapsed.as_secs_f64()),
                    ms(samples.percentile(50.0)),
                    ms(samples.percentile(99.0)),
                    assigned.to_string(),
                ]);
            }
        }

        // Replies to the customers who just wrote (their windows are open), queued
        // through the real endpoint, then timed until the outbox has sent them all.
        let conversations: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE inbox_id = $1 AND last_customer_message_at IS NOT NULL ORDER BY id DESC LIMIT 200",
        )
        .bind(inbox)
        .fetch_all(&running.state.db.pool)
        .await?;
        let started = Instant::now();
        for i in 0..total {
            let res = admin
                .post(format!("http://{}/api/conversations/send", running.addr))
                .json(&json!({"conversation_id": conversations[i % conversations.len()], "body": format!("Respuesta {i}"),
                    "private": false, "idempotency_key": null, "mentions": []}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
        }
        let queued = started.elapsed();
        loop {
            let pending: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                    .fetch_one(&running.state.db.pool)
                    .await?;
            if pending == 0 {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(600),
                "outbox did not drain"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let drained = started.elapsed();
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'done'")
            .fetch_one(&running.state.db.pool)
            .await?;
        outbound_rows.push(vec![
            backend.to_owned(),
            total.to_string(),
            sent.to_string(),
            format!("{:.0}", total as f64 / queued.as_secs_f64()),
            format!("{:.0}", total as f64 / drained.as_secs_f64()),
        ]);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### New customers through the WhatsApp webhook, automatic assignment off / on ({total} deliveries per row, each a new conversation)\n");
    table(
        &[
            "database",
            "assignment",
            "concurrency",
            "messages/s",
            "p50 ms",
            "p99 ms",
            "assigned in the inbox so far",
        ],
        &assignment_rows,
    );
    println!("\n### WhatsApp inbound: signed `POST /webhooks/whatsapp/<inbox>` ({total} deliveries per row, {CUSTOMERS} customers)\n");
    table(
        &[
            "database",
            "concurrency",
            "deliveries/s",
            "p50 ms",
            "p99 ms",
        ],
        &inbound_rows,
    );
    println!("\n### WhatsApp outbound: {total} replies queued one by one, outbox to an instant Graph stand-in\n");
    table(
        &[
            "database",
            "replies",
            "sent (done)",
            "queued/s",
            "queued and sent/s",
        ],
        &outbound_rows,
    );
    Ok(())
}
