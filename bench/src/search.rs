//! Message search at scale (issue 28): seeds N conversations × M messages of varied
//! Spanish text (a rare word in one message in 100,000, a common one in a third, an
//! accented word, a fixed phrase), indexed as they are written (the triggers / GIN),
//! then times through the real server: a rare word, a common word (first page), a
//! two-word phrase, an accent-free fragment and a date-filtered query; prints the
//! index's size against the messages' text, and how long building the index on the
//! existing messages takes (the migration's own statements, run again).
use serde_json::json;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};

pub struct Options {
    pub conversations: usize,
    pub messages_per_conversation: usize,
    pub samples: usize,
}

const BASE_TIME: i64 = 1_700_000_000_000;

/// The body of message `n` of conversation `c`, in SQL both databases run.
const BODY: &str = "CASE (c.id * 7 + k.n) % 5 \
     WHEN 0 THEN 'Hola, ¿me pueden ayudar con la facturación de ' \
     WHEN 1 THEN 'Buenas tardes, el pedido ' \
     WHEN 2 THEN 'Gracias por escribir; revisamos la factura de marzo y ' \
     WHEN 3 THEN 'No funciona la aplicación desde ayer, ' \
     ELSE 'Perfecto, quedo a la espera de ' END \
     || CAST((c.id * 13 + k.n) % 100000 AS TEXT) \
     || CASE WHEN (c.id * 10 + k.n) % 100000 = 7 THEN ' zanahoria' ELSE '' END \
     || CASE (c.id + k.n) % 3 WHEN 0 THEN ' envío urgente' ELSE ' gracias' END";

async fn seed(db: &app::db::Db, options: &Options) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let inbox: i64 = sqlx::query_scalar("SELECT MIN(id) FROM inboxes WHERE account_id = 1")
        .fetch_one(&db.pool)
        .await?;
    let display_base: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(display_id), 0) FROM conversations")
            .fetch_one(&db.pool)
            .await?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM contacts")
        .fetch_one(&db.pool)
        .await?;
    const CHUNK: usize = 50_000;
    let n = options.conversations;
    let mut done = 0;
    while done < n {
        let take = CHUNK.min(n - done);
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i < {to}) \
             INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
             SELECT 1, 'Cliente ' || i, 'cliente' || i || '@example.com', 'cliente ' || i, 'cliente ' || i, \
             {BASE_TIME} + i * 1000, {BASE_TIME}, {BASE_TIME} FROM g",
            from = done + 1,
            to = done + take
        ))
        .execute(tx.conn())
        .await?;
        sqlx::query(&format!(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, status, last_activity_at, \
             created_at, updated_at) SELECT 1, {display_base} + ct.id - {before}, {inbox}, ct.id, 'open', \
             ct.last_activity_at, {BASE_TIME}, {BASE_TIME} FROM contacts ct WHERE ct.id > {lo} AND ct.id <= {hi}",
            lo = before + done as i64,
            hi = before + (done + take) as i64
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        done += take;
    }
    let m = options.messages_per_conversation;
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM conversations WHERE contact_id > $1")
        .bind(before)
        .fetch_one(&db.pool)
        .await?;
    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM conversations")
        .fetch_one(&db.pool)
        .await?;
    let step = (CHUNK / m.max(1)).max(1) as i64;
    let mut from = first - 1;
    while from < last {
        let to = (from + step).min(last);
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {m}) \
             INSERT INTO messages (account_id, inbox_id, conversation_id, direction, sender_contact_id, \
             body, content_type, created_at, updated_at) \
             SELECT 1, c.inbox_id, c.id, 'incoming', c.contact_id, {BODY}, 'text', \
             c.last_activity_at - ({m} - k.n) * 1000, c.last_activity_at - ({m} - k.n) * 1000 \
             FROM conversations c, k WHERE c.id > {from} AND c.id <= {to}"
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        from = to;
    }
    crate::analyze(db).await?;
    Ok(started.elapsed())
}

/// Bytes of the index and of the messages' text.
async fn sizes(db: &app::db::Db) -> anyhow::Result<(i64, i64)> {
    let text: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(LENGTH(body)), 0) AS BIGINT) FROM messages")
            .fetch_one(&db.pool)
            .await?;
    let index: i64 = match db.backend {
        app::db::Backend::Sqlite => sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(pgsize), 0) AS BIGINT) FROM dbstat WHERE name LIKE 'messages_fts%'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap_or(-1),
        app::db::Backend::Postgres => {
            sqlx::query_scalar("SELECT CAST(pg_relation_size('messages_search_trgm_idx') AS BIGINT)")
                .fetch_one(&db.pool)
                .await?
        }
    };
    Ok((index, text))
}

/// Drops the index and builds it again over the existing messages, as the migration
/// does on an upgraded database.
async fn rebuild(db: &app::db::Db) -> anyhow::Result<Duration> {
    let mut tx = db.begin_write().await?;
    let started = Instant::now();
    match db.backend {
        app::db::Backend::Sqlite => {
            sqlx::query("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')")
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE direction <> 'activity'",
            )
            .execute(tx.conn())
            .await?;
        }
        app::db::Backend::Postgres => {
            sqlx::query("DROP INDEX messages_search_trgm_idx")
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "CREATE INDEX messages_search_trgm_idx ON messages USING gin (charla_fold(body) gin_trgm_ops) \
                 WHERE direction <> 'activity'",
            )
            .execute(tx.conn())
            .await?;
        }
    }
    tx.finish().await?;
    Ok(started.elapsed())
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut sizes_rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        eprintln!(
            "{backend}: seeding {} conversations × {} messages (indexed as written)…",
            options.conversations, options.messages_per_conversation
        );
        let seeded = seed(&running.state.db, &options).await?;
        let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
            .fetch_one(&running.state.db.pool)
            .await?;
        eprintln!(
            "{backend}: {messages} messages in {:.1} s",
            seeded.as_secs_f64()
        );
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let url = format!("http://{}/api/search/messages", running.addr);
        let middle = BASE_TIME + (options.conversations as i64 / 2) * 1000;
        let cases = [
            ("rare word (zanahoria)", json!({"text": "zanahoria"})),
            (
                "common word, first page (gracias)",
                json!({"text": "gracias"}),
            ),
            (
                "two-word phrase (\"factura de marzo\")",
                json!({"text": "\"factura de marzo\""}),
            ),
            (
                "accent-free fragment (facturacion)",
                json!({"text": "facturacion"}),
            ),
            (
                "date-filtered (urgente, a day's window)",
                json!({"text": "urgente", "since": middle, "until": middle + 86_400_000}),
            ),
        ];
        for (name, query) in cases {
            let body = json!({"query": query, "before": null});
            let mut hits = 0;
            for _ in 0..options.samples.min(5) {
                let res = client.post(&url).json(&body).send().await?;
                anyhow::ensure!(res.status().is_success(), "{name}: {}", res.status());
                let page: serde_json::Value = res.json().await?;
                hits = page["items"].as_array().map_or(0, Vec::len);
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
                hits.to_string(),
                ms(timings.percentile(50.0)),
                ms(timings.percentile(99.0)),
            ];
            // As it comes: a long run's figures survive if it is stopped before the table.
            eprintln!("{}", row.join(" | "));
            rows.push(row);
        }
        let (index, text) = sizes(&running.state.db).await?;
        let rebuilt = rebuild(&running.state.db).await?;
        eprintln!(
            "{backend}: index {index} bytes, text {text} bytes, rebuilt in {:.1} s",
            rebuilt.as_secs_f64()
        );
        sizes_rows.push(vec![
            backend.to_owned(),
            messages.to_string(),
            format!("{:.1} MB", text as f64 / 1e6),
            if index < 0 {
                "n/a".into()
            } else {
                format!(
                    "{:.1} MB ({:.1}×)",
                    index as f64 / 1e6,
                    index as f64 / text.max(1) as f64
                )
            },
            format!("{:.1} s", rebuilt.as_secs_f64()),
        ]);
        crate::drop_database(&running).await;
    }
    println!(
        "\nSearch, {} conversations × {} messages, {} samples each (through HTTP):",
        options.conversations, options.messages_per_conversation, options.samples
    );
    table(&["backend", "query", "hits on page", "p50", "p99"], &rows);
    println!("\nIndex size and build time on the existing messages:");
    table(
        &["backend", "messages", "text", "index", "build"],
        &sizes_rows,
    );
    Ok(())
}
