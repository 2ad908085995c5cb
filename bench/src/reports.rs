//! Informes at scale (issue 31): seeds N conversations over two years, each with M
//! messages alternating customer and agent (a reply two minutes after each customer
//! message), seven in ten resolved, all written through the database's own report
//! triggers as an import would; then times the 90-day report (account, one inbox, one
//! agent, 30 days) through the real server, and a reply's cost with the report upkeep
//! and without it (the message trigger dropped, the same replies sent again).
use serde_json::json;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};

pub struct Options {
    pub conversations: usize,
    pub messages_per_conversation: usize,
    pub samples: usize,
    pub replies: usize,
}

const DAY_MS: i64 = 86_400_000;
const SPAN_DAYS: i64 = 730;

async fn seed(db: &app::db::Db, options: &Options) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let now = app::db::now_ms();
    let inbox: i64 = sqlx::query_scalar("SELECT MIN(id) FROM inboxes WHERE account_id = 1")
        .fetch_one(&db.pool)
        .await?;
    let contact: i64 = sqlx::query_scalar("SELECT MIN(id) FROM contacts")
        .fetch_one(&db.pool)
        .await?;
    let agents: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM agents WHERE account_id = 1 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let display_base: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(display_id), 0) FROM conversations")
            .fetch_one(&db.pool)
            .await?;
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM conversations")
        .fetch_one(&db.pool)
        .await?;
    let n = options.conversations as i64;
    let m = options.messages_per_conversation as i64;
    let step = (SPAN_DAYS * DAY_MS / n.max(1)).max(1);
    let agent_case = agents
        .iter()
        .enumerate()
        .map(|(i, id)| format!("WHEN {i} THEN {id}"))
        .collect::<Vec<_>>()
        .join(" ");
    let agent_of = |column: &str| format!("CASE {column} % {} {agent_case} END", agents.len());
    const CHUNK: i64 = 20_000;
    let mut done = 0;
    while done < n {
        let take = CHUNK.min(n - done);
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "WITH RECURSIVE g(i) AS (SELECT CAST({from} AS BIGINT) UNION ALL SELECT i + 1 FROM g WHERE i < {to}) \
             INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, assignee_id, status, \
             last_activity_at, created_at, updated_at) \
             SELECT 1, {display_base} + i, {inbox}, {contact}, {agent}, 'open', {start} + i * {step}, \
             {start} + i * {step}, {start} + i * {step} FROM g",
            from = done + 1,
            to = done + take,
            agent = agent_of("i"),
            start = now - SPAN_DAYS * DAY_MS,
        ))
        .execute(tx.conn())
        .await?;
        let (lo, hi) = (first_id + done, first_id + done + take);
        sqlx::query(&format!(
            "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < {last}) \
             INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_agent_id, \
             body, content_type, created_at, updated_at) \
             SELECT 1, c.inbox_id, c.id, CASE k.n % 2 WHEN 0 THEN 'incoming' ELSE 'outgoing' END, 0, \
             CASE k.n % 2 WHEN 0 THEN NULL ELSE c.assignee_id END, 'Hola', 'text', \
             c.created_at + k.n * 120000 + (c.id % 7) * 1000, c.created_at + k.n * 120000 + (c.id % 7) * 1000 \
             FROM conversations c, k WHERE c.id > {lo} AND c.id <= {hi} ORDER BY c.id, k.n",
            last = m - 1,
        ))
        .execute(tx.conn())
        .await?;
        sqlx::query(&format!(
            "UPDATE conversations SET status = 'resolved', updated_at = created_at + {m} * 120000 + (id % 13) * 60000 \
             WHERE id > {lo} AND id <= {hi} AND id % 10 < 7"
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        done += take;
        eprintln!("  {done} conversations…");
    }
    crate::analyze(db).await?;
    Ok(started.elapsed())
}

/// Replies to conversations whose customer waits, each its own request.
async fn replies(
    client: &reqwest::Client,
    url: &str,
    conversations: &[i64],
    tag: &str,
) -> anyhow::Result<Samples> {
    let mut timings = Samples::new();
    for (i, conversation) in conversations.iter().enumerate() {
        let body = json!({"conversation_id": conversation, "body": format!("Respuesta {i}"), "private": false,
            "idempotency_key": format!("bench-report-{tag}-{i}"), "mentions": []});
        let started = Instant::now();
        let res = client.post(url).json(&body).send().await?;
        anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
        let _ = res.bytes().await?;
        timings.push(started.elapsed());
    }
    Ok(timings)
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut upkeep = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        eprintln!(
            "{backend}: seeding {} conversations × {} messages over two years…",
            options.conversations, options.messages_per_conversation
        );
        let seeded = seed(&running.state.db, &options).await?;
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_events")
            .fetch_one(&running.state.db.pool)
            .await?;
        eprintln!(
            "{backend}: seeded in {:.1} s ({events} report events)",
            seeded.as_secs_f64()
        );
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let url = format!("http://{}/api/reports/get", running.addr);
        let inbox: i64 = sqlx::query_scalar("SELECT MIN(id) FROM inboxes")
            .fetch_one(&running.state.db.pool)
            .await?;
        let agent: i64 = sqlx::query_scalar("SELECT MIN(id) FROM agents")
            .fetch_one(&running.state.db.pool)
            .await?;
        let cases = [
            ("90 days, account", json!({"Last": 90}), json!("Account")),
            (
                "90 days, one inbox",
                json!({"Last": 90}),
                json!({"Inbox": inbox}),
            ),
            (
                "90 days, one agent",
                json!({"Last": 90}),
                json!({"Agent": agent}),
            ),
            ("30 days, account", json!({"Last": 30}), json!("Account")),
        ];
        for (name, period, scope) in cases {
            let body =
                json!({"query": {"period": period, "scope": scope, "business_hours": false}});
            let mut opened = 0;
            for _ in 0..options.samples.min(3) {
                let res = client.post(&url).json(&body).send().await?;
                anyhow::ensure!(res.status().is_success(), "{name}: {}", res.status());
                let report: serde_json::Value = res.json().await?;
                opened = report["summary"]["opened"].as_i64().unwrap_or(0);
            }
            let mut timings = Samples::new();
            for _ in 0..options.samples {
                let started = Instant::now();
                let res = client.post(&url).json(&body).send().await?;
                let _ = res.bytes().await?;
                timings.push(started.elapsed());
            }
            let row = vec![
                backend.to_owned(),
                name.to_owned(),
                opened.to_string(),
                ms(timings.percentile(50.0)),
                ms(timings.percentile(99.0)),
            ];
            eprintln!("{}", row.join(" | "));
            rows.push(row);
        }
        // A reply's cost with the upkeep, then without it, on conversations whose
        // customer wrote last (so each reply is timed as a reply).
        let waiting: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM conversations WHERE status = 'open' ORDER BY id DESC LIMIT {}",
            options.replies * 2
        ))
        .fetch_all(&running.state.db.pool)
        .await?;
        for id in &waiting {
            sqlx::query(
                "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, body, content_type, created_at, updated_at) \
                 SELECT account_id, inbox_id, id, 'incoming', 0, 'Hola otra vez', 'text', $2, $2 FROM conversations WHERE id = $1",
            )
            .bind(id)
            .bind(app::db::now_ms())
            .execute(&running.state.db.pool)
            .await?;
        }
        let send = format!("http://{}/api/conversations/send", running.addr);
        let (with, without) = waiting.split_at(waiting.len() / 2);
        let kept = replies(&client, &send, with, "with").await?;
        let drop = match running.state.db.backend {
            app::db::Backend::Sqlite => "DROP TRIGGER report_message_created",
            app::db::Backend::Postgres => "DROP TRIGGER report_message_created ON messages",
        };
        sqlx::query(drop).execute(&running.state.db.pool).await?;
        let bare = replies(&client, &send, without, "without").await?;
        upkeep.push(vec![
            backend.to_owned(),
            with.len().to_string(),
            format!(
                "{} / {}",
                ms(kept.percentile(50.0)),
                ms(kept.percentile(99.0))
            ),
            format!(
                "{} / {}",
                ms(bare.percentile(50.0)),
                ms(bare.percentile(99.0))
            ),
        ]);
        crate::drop_database(&running).await;
    }
    println!(
        "\nReports, {} conversations × {} messages over two years, {} samples each (through HTTP):",
        options.conversations, options.messages_per_conversation, options.samples
    );
    table(
        &[
            "backend",
            "report",
            "conversations opened",
            "p50 ms",
            "p99 ms",
        ],
        &rows,
    );
    println!("\nA reply with the report upkeep (triggers) and without it:");
    table(
        &[
            "backend",
            "replies",
            "with upkeep p50 / p99 ms",
            "without p50 / p99 ms",
        ],
        &upkeep,
    );
    Ok(())
}
