//! Sending replies through the real server-function endpoint (session, rules,
//! persistence, outbox row, events and fan-out included) at rising concurrency, beside
//! raw sqlx inserts of the same message rows on the same database in the same run: the
//! message row alone (one statement per commit, the budget's baseline), and a reply's
//! three rows (message, outbox row, event) in one transaction.
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};

const CONCURRENCY: &[usize] = &[1, 4, 16, 64];

/// The budget's rate: replies offered on a fixed schedule, each its own request, so a
/// slow answer does not slow the offer down (open loop).
const PACED_RATE: f64 = 500.0;

fn reply(conversation: i64, tag: &str, i: usize) -> serde_json::Value {
    json!({
        "conversation_id": conversation,
        "body": format!("Respuesta de prueba número {i}"),
        "private": false,
        "idempotency_key": format!("bench-{tag}-{i}"),
        "mentions": [],
    })
}

/// One reply through the endpoint, timed from request to the end of the answer.
async fn timed_send(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let res = client.post(url).json(body).send().await?;
    anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
    let _ = res.bytes().await?;
    Ok(t.elapsed())
}

async fn paced(
    client: &reqwest::Client,
    url: &str,
    conversations: &[i64],
    rate: f64,
    total: usize,
) -> anyhow::Result<(Duration, Samples)> {
    let started = tokio::time::Instant::now();
    let mut requests = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until(started + Duration::from_secs_f64(i as f64 / rate)).await;
        let (client, url) = (client.clone(), url.to_owned());
        let body = reply(conversations[i % conversations.len()], "paced", i);
        requests.push(tokio::spawn(async move {
            timed_send(&client, &url, &body).await
        }));
    }
    let mut all = Samples::new();
    for request in requests {
        all.push(request.await??);
    }
    Ok((started.elapsed(), all))
}

async fn through_server(
    client: &reqwest::Client,
    url: &str,
    conversations: &[i64],
    concurrency: usize,
    total: usize,
) -> anyhow::Result<(Duration, Samples)> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
        let conversations = conversations.to_vec();
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let body = reply(
                    conversations[i % conversations.len()],
                    &concurrency.to_string(),
                    i,
                );
                samples.push(timed_send(&client, &url, &body).await?);
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

/// A reply's message row, as both raw baselines insert it.
const MESSAGE_INSERT: &str = "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_agent_id, body, \
     content_type, delivery_status, created_at, updated_at) VALUES ($1, $2, $3, 'outgoing', 0, NULL, $4, 'text', 'sending', $5, $5)";

async fn account_and_inbox(db: &app::db::Db, conversation: i64) -> anyhow::Result<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT account_id, inbox_id FROM conversations WHERE id = $1")
            .bind(conversation)
            .fetch_one(&db.pool)
            .await?,
    )
}

async fn raw_inserts(
    db: &app::db::Db,
    conversation: i64,
    total: usize,
) -> anyhow::Result<(Duration, Samples)> {
    let (account, inbox) = account_and_inbox(db, conversation).await?;
    let started = Instant::now();
    let mut samples = Samples::new();
    for i in 0..total {
        let t = Instant::now();
        let _turn = db.write_turn().await;
        sqlx::query(MESSAGE_INSERT)
            .bind(account)
            .bind(inbox)
            .bind(conversation)
            .bind(format!("Inserción directa {i}"))
            .bind(app::db::now_ms())
            .execute(&db.pool)
            .await?;
        samples.push(t.elapsed());
    }
    Ok((started.elapsed(), samples))
}

/// A reply's rows as the send path stores them, without the server: the message, its
/// outbox row and its event, one transaction each.
async fn raw_reply_rows(
    db: &app::db::Db,
    conversation: i64,
    total: usize,
) -> anyhow::Result<(Duration, Samples)> {
    let (account, inbox) = account_and_inbox(db, conversation).await?;
    let started = Instant::now();
    let mut samples = Samples::new();
    for i in 0..total {
        let t = Instant::now();
        let _turn = db.write_turn().await;
        let mut tx = db.pool.begin().await?;
        reply_rows(&mut tx, (account, inbox, conversation), i).await?;
        tx.commit().await?;
        samples.push(t.elapsed());
    }
    Ok((started.elapsed(), samples))
}

/// The same rows as group commit would write them: `GROUP` replies share one
/// transaction (one commit), each inside its own savepoint so that it stays atomic on
/// its own. The best group commit could do for the database's share of a reply.
async fn grouped_reply_rows(
    db: &app::db::Db,
    conversation: i64,
    total: usize,
) -> anyhow::Result<(Duration, Samples)> {
    const GROUP: usize = 16;
    let (account, inbox) = account_and_inbox(db, conversation).await?;
    let started = Instant::now();
    let mut samples = Samples::new();
    for first in (0..total).step_by(GROUP) {
        let t = Instant::now();
        let _turn = db.write_turn().await;
        let mut tx = db.pool.begin().await?;
        let count = GROUP.min(total - first);
        for i in first..first + count {
            sqlx::query("SAVEPOINT reply").execute(&mut *tx).await?;
            reply_rows(&mut tx, (account, inbox, conversation), i).await?;
            sqlx::query("RELEASE SAVEPOINT reply")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Every reply of the group is acknowledged when the group commits.
        for _ in 0..count {
            samples.push(t.elapsed());
        }
    }
    Ok((started.elapsed(), samples))
}

/// One reply's message, outbox row and event.
async fn reply_rows(
    tx: &mut sqlx::AnyConnection,
    (account, inbox, conversation): (i64, i64, i64),
    i: usize,
) -> anyhow::Result<()> {
    let returning_id = format!("{MESSAGE_INSERT} RETURNING id");
    {
        let now = app::db::now_ms();
        let message: i64 = sqlx::query_scalar(&returning_id)
            .bind(account)
            .bind(inbox)
            .bind(conversation)
            .bind(format!("Inserción directa {i}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO outbox (account_id, message_id, channel_kind, state, attempts, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, 'web_chat', 'done', 0, $3, $3, $3)",
        )
        .bind(account)
        .bind(message)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO events (account_id, inbox_id, conversation_id, agent_id, payload, created_at) \
             VALUES ($1, $2, $3, NULL, $4, $5)",
        )
        .bind(account)
        .bind(inbox)
        .bind(conversation)
        .bind(format!(r#"{{"type":"message_created","message":{{"id":{message}}}}}"#))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

pub async fn run(total: usize) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let conversations: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM conversations ORDER BY id")
                .fetch_all(&running.state.db.pool)
                .await?;
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let url = format!("http://{}/api/conversations/send", running.addr);
        let (raw, raw_samples) = raw_inserts(&running.state.db, conversations[0], total).await?;
        let raw_rate = total as f64 / raw.as_secs_f64();
        // The database's own floor: one insert, one commit, nothing else.
        rows.push(vec![
            backend.to_owned(),
            "raw inserts, 1 connection".to_owned(),
            format!("{raw_rate:.0}"),
            ms(raw_samples.percentile(50.0)),
            ms(raw_samples.percentile(99.0)),
            format!("{raw_rate:.0}"),
            "100%".to_owned(),
            "–".to_owned(),
        ]);
        let (rows_took, rows_samples) =
            raw_reply_rows(&running.state.db, conversations[0], total).await?;
        let rows_rate = total as f64 / rows_took.as_secs_f64();
        // What persisting a reply costs the database: the gap to the rows above is
        // the server's (HTTP, session, rules, fan-out, delivery).
        rows.push(vec![
            backend.to_owned(),
            "raw reply rows (message, outbox, event), 1 connection".to_owned(),
            format!("{rows_rate:.0}"),
            ms(rows_samples.percentile(50.0)),
            ms(rows_samples.percentile(99.0)),
            format!("{raw_rate:.0}"),
            format!("{:.0}%", 100.0 * rows_rate / raw_rate),
            "100%".to_owned(),
        ]);
        let (grouped_took, grouped_samples) =
            grouped_reply_rows(&running.state.db, conversations[0], total).await?;
        let grouped_rate = total as f64 / grouped_took.as_secs_f64();
        rows.push(vec![
            backend.to_owned(),
            "the same rows grouped: 16 replies per commit, a savepoint each".to_owned(),
            format!("{grouped_rate:.0}"),
            ms(grouped_samples.percentile(50.0)),
            ms(grouped_samples.percentile(99.0)),
            format!("{raw_rate:.0}"),
            format!("{:.0}%", 100.0 * grouped_rate / raw_rate),
            format!("{:.0}%", 100.0 * grouped_rate / rows_rate),
        ]);
        for &concurrency in CONCURRENCY {
            let (elapsed, samples) =
                through_server(&client, &url, &conversations, concurrency, total).await?;
            let rate = total as f64 / elapsed.as_secs_f64();
            rows.push(vec![
                backend.to_owned(),
                concurrency.to_string(),
                format!("{rate:.0}"),
                ms(samples.percentile(50.0)),
                ms(samples.percentile(99.0)),
                format!("{raw_rate:.0}"),
                format!("{:.0}%", 100.0 * rate / raw_rate),
                format!("{:.0}%", 100.0 * rate / rows_rate),
            ]);
        }
        let (elapsed, samples) = paced(&client, &url, &conversations, PACED_RATE, total).await?;
        let rate = total as f64 / elapsed.as_secs_f64();
        rows.push(vec![
            backend.to_owned(),
            format!("open loop, {PACED_RATE:.0}/s offered"),
            format!("{rate:.0}"),
            ms(samples.percentile(50.0)),
            ms(samples.percentile(99.0)),
            format!("{raw_rate:.0}"),
            "–".to_owned(),
            "–".to_owned(),
        ]);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Send: `POST /api/conversations/send` ({total} replies per row) vs raw sqlx inserts\n");
    table(
        &[
            "database",
            "concurrent agents",
            "messages/s",
            "p50 ms",
            "p99 ms",
            "raw inserts/s",
            "ratio",
            "vs raw reply rows",
        ],
        &rows,
    );
    Ok(())
}
