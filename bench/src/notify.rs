//! Notifications beyond the tab (issue 29). `push`: 2,000 agents subscribed to Web
//! Push and listening for new conversations; a visitor opens one and every agent's
//! push leaves, encrypted and signed, for a push service on loopback; timed from the
//! visitor's request returning (the event committed) to each push's arrival. Also the
//! stored bytes and the worker's memory per subscription. `notify-email`: 1,000
//! mentions spread over a minute, emailed through an SMTP sink on loopback.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::report::{ms, table, Samples};
use crate::signin::{reset_peak, status_mib};

/// The time each push arrived, in order.
type Arrivals = Arc<Mutex<Vec<Instant>>>;

async fn push_service() -> anyhow::Result<(String, Arrivals)> {
    let arrivals: Arrivals = Arc::default();
    let log = arrivals.clone();
    let router = axum::Router::new().route(
        "/push/{id}",
        axum::routing::post(move |_body: axum::body::Bytes| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(Instant::now());
                axum::http::StatusCode::CREATED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((base, arrivals))
}

/// `agents` agents in the web chat inbox, each with a live session, a push
/// subscription at the loopback service and "new conversation" pushes on.
async fn subscribe_agents(db: &app::db::Db, base: &str, agents: usize) -> anyhow::Result<i64> {
    let inbox: i64 = sqlx::query_scalar(
        "SELECT id FROM inboxes WHERE channel_kind = 'web_chat' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await?;
    let now = app::db::now_ms();
    let mut tx = db.begin_write().await?;
    for i in 0..agents {
        let id = insert_agent(&mut tx, &format!("push{i}"), "agent", now).await?;
        sqlx::query(
            "INSERT INTO inbox_members (inbox_id, agent_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(inbox)
        .bind(id)
        .bind(now)
        .execute(tx.conn())
        .await?;
        let session = format!("bench-session-{i}-{now}");
        sqlx::query(
            "INSERT INTO sessions (token_hash, agent_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(&session)
        .bind(id)
        .bind(now)
        .bind(now + 86_400_000)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO notification_prefs (agent_id, kind, push, email, sound) VALUES ($1, 'new_conversation', 1, 0, 0)",
        )
        .bind(id)
        .execute(tx.conn())
        .await?;
        // A browser's key: any P-256 point will do for the sender's work.
        let secret = loop {
            if let Ok(k) = web_push_native::p256::SecretKey::from_slice(&rand_bytes::<32>()) {
                break k;
            }
        };
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
        let public = secret.public_key().to_encoded_point(false);
        sqlx::query(
            "INSERT INTO push_subscriptions (account_id, agent_id, session_hash, endpoint, p256dh, auth, created_at) \
             VALUES (1, $1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&session)
        .bind(format!("{base}/push/{i}"))
        .bind(b64(public.as_bytes()))
        .bind(b64(&rand_bytes::<16>()))
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    tx.finish().await?;
    Ok(inbox)
}

/// An away agent of the demo account who cannot sign in (`who@bench.test`).
pub async fn insert_agent(
    tx: &mut app::db::WriteTx,
    who: &str,
    role: &str,
    now: i64,
) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO agents (account_id, email, name, password_hash, role, availability, created_at, updated_at) \
         VALUES (1, $1, $2, 'x', $3, 'offline', $4, $4) RETURNING id",
    )
    .bind(format!("{who}@bench.test"))
    .bind(who)
    .bind(role)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::Rng::fill(&mut rand::thread_rng(), &mut out[..]);
    out
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Stored bytes of the subscriptions table (with its indexes).
async fn table_bytes(db: &app::db::Db) -> anyhow::Result<i64> {
    Ok(match db.backend {
        app::db::Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT CAST(pg_total_relation_size('push_subscriptions') AS BIGINT)",
            )
            .fetch_one(&db.pool)
            .await?
        }
        app::db::Backend::Sqlite => {
            let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                .fetch_one(&db.pool)
                .await?;
            let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                .fetch_one(&db.pool)
                .await?;
            pages * size
        }
    })
}

pub async fn run_push(agents: usize, rounds: usize) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let (base, arrivals) = push_service().await?;
        let db = running.state.db.clone();
        let empty = table_bytes(&db).await?;
        subscribe_agents(&db, &base, agents).await?;
        let stored = table_bytes(&db).await? - empty;
        let token: String = sqlx::query_scalar(
            "SELECT web_token FROM inboxes WHERE channel_kind = 'web_chat' ORDER BY id LIMIT 1",
        )
        .fetch_one(&db.pool)
        .await?;
        let client = reqwest::Client::new();
        let mut latency = Samples::new();
        let mut commits = Samples::new();
        let mut spans = Samples::new();
        let rss_before = status_mib("VmRSS:");
        reset_peak();
        for _ in 0..rounds {
            let before = arrivals.lock().unwrap().len();
            let started = Instant::now();
            let res = client
                .post(format!("http://{}/api/widget/send", running.addr))
                .json(&json!({"token": token, "visitor": null, "body": "¿Hay alguien?", "name": null, "email": null}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "widget/send: {}", res.status());
            let _: Value = res.json().await?;
            let committed = Instant::now();
            commits.push(committed - started);
            let deadline = committed + Duration::from_secs(120);
            while arrivals.lock().unwrap().len() < before + agents {
                anyhow::ensure!(Instant::now() < deadline, "pushes missing after 120 s");
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let got: Vec<Instant> = arrivals.lock().unwrap()[before..].to_vec();
            for at in &got {
                latency.push(at.saturating_duration_since(committed));
            }
            spans.push(
                got.iter()
                    .max()
                    .unwrap()
                    .saturating_duration_since(committed),
            );
        }
        let peak = status_mib("VmHWM:");
        rows.push(vec![
            backend.to_owned(),
            format!("{agents} × {rounds}"),
            ms(commits.percentile(50.0)),
            ms(latency.percentile(50.0)),
            ms(latency.percentile(99.0)),
            ms(spans.percentile(100.0)),
            format!("{:.0}", stored as f64 / agents as f64),
            format!(
                "{:.1}",
                (peak - rss_before).max(0.0) * 1024.0 * 1024.0 / agents as f64 / 1024.0
            ),
        ]);
        crate::drop_database(&running).await;
    }
    println!("\n## Web Push: a new conversation, every subscribed agent pushed\n");
    table(
        &[
            "database",
            "agents × rounds",
            "event commit p50 ms",
            "push after event p50 ms",
            "p99 ms",
            "last push (max) ms",
            "stored bytes / subscription",
            "peak memory KiB / subscription",
        ],
        &rows,
    );
    Ok(())
}
