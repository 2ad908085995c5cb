//! One sustained-load run on one database: the server processes, the listening
//! sockets, replies at the fixed rate, then the figures of that run.
use futures::StreamExt;
use serde_json::json;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::frames::{read_frame, Seen};
use super::process::ServerProcess;
use super::Options;
use crate::report::{ms, Samples};

async fn sign_in(addr: SocketAddr) -> anyhow::Result<String> {
    let res = reqwest::Client::new()
        .post(format!("http://{addr}/api/login"))
        .form(&[
            ("email", "admin@charla.local"),
            ("password", app::db::seed::DEMO_PASSWORD),
        ])
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "sign-in: {}", res.status());
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("charla_session="))
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    Ok(cookie.to_owned())
}

pub(super) async fn run_one(
    postgres: bool,
    options: &Options,
) -> anyhow::Result<Option<Vec<String>>> {
    let Some((url, dir)) = crate::fresh_database(postgres).await? else {
        return Ok(None);
    };
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let data = tempfile::tempdir()?;
    let mut servers = Vec::new();
    let mut addrs = Vec::new();
    let http = reqwest::Client::new();
    // One after the other: the first seeds the demo data, the others find it.
    for _ in 0..options.replicas.max(1) {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let mut command = Command::new(std::env::current_exe()?);
        if let Some(batch_ms) = options.batch_ms {
            command.env("CHARLA_LIVE_BATCH_MS", batch_ms.to_string());
        }
        servers.push(ServerProcess(
            command
                .arg("serve")
                .env("DATABASE_URL", &url)
                .env("CHARLA_DATA_DIR", data.path())
                .env("LEPTOS_SITE_ADDR", addr.to_string())
                .env("CHARLA_TEMPLATE_SYNC_MINUTES", "0")
                .env("CHARLA_SEED_DEMO", "true")
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()?,
        ));
        let started = Instant::now();
        loop {
            if let Ok(res) = http.get(format!("http://{addr}/login")).send().await {
                if res.status().is_success() {
                    break;
                }
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        addrs.push(addr);
    }
    let rss_kb = || servers.iter().map(ServerProcess::rss_kb).sum::<u64>();
    // Sessions live in the database: one cookie works on every replica.
    let cookie = sign_in(addrs[0]).await?;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await?;
    // Web-chat conversations: their adapter delivers to the visitor's sockets, so every
    // reply also produces its delivery update, as in production.
    let conversations: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id WHERE i.channel_kind = 'web_chat' ORDER BY c.id",
    )
    .fetch_all(&pool)
    .await?;
    anyhow::ensure!(!conversations.is_empty(), "no web-chat conversation seeded");
    let rss_start = rss_kb();

    // The listening agents.
    let stop = Arc::new(AtomicBool::new(false));
    let mut listeners = Vec::new();
    for k in 0..options.sockets {
        let addr = addrs[k % addrs.len()];
        let mut request = format!("ws://{addr}/api/live").into_client_request()?;
        request.headers_mut().insert("cookie", cookie.parse()?);
        // A small read buffer: the default 128 KiB is zero-filled on every read, which
        // with thousands of sockets costs this process more than the server.
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(16 * 1024);
        let (mut socket, _) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
        // Hello first.
        let hello = socket.next().await;
        anyhow::ensure!(
            matches!(hello, Some(Ok(Message::Text(_)))),
            "no hello frame"
        );
        let stop = stop.clone();
        listeners.push(tokio::spawn(async move {
            let mut seen = Seen::default();
            let mut last_id = 0;
            loop {
                let next = tokio::time::timeout(Duration::from_millis(500), socket.next()).await;
                let message = match next {
                    Err(_) if stop.load(Ordering::SeqCst) => break,
                    Err(_) => continue,
                    Ok(Some(Ok(message))) => message,
                    Ok(_) => {
                        seen.closed_early = true;
                        break;
                    }
                };
                let Message::Text(text) = message else {
                    continue;
                };
                let Some((id, created_at, created)) = read_frame(text.as_str()) else {
                    continue;
                };
                seen.events += 1;
                seen.delays_ms
                    .push((app::db::now_ms() - created_at).clamp(0, u32::MAX as i64) as u32);
                if id == last_id {
                    seen.duplicates += 1;
                } else if id < last_id {
                    seen.out_of_order += 1;
                }
                last_id = last_id.max(id);
                if let Some(message) = created {
                    if !seen.created.insert(message) {
                        seen.duplicates += 1;
                    }
                }
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = rss_kb();

    // The senders: one request started every 1/rate s, whatever the others are doing.
    let sent_ids = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Samples::new()));
    let rss_peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let send_urls: Vec<String> = addrs
        .iter()
        .map(|addr| format!("http://{addr}/api/conversations/send"))
        .collect();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / options.rate as f64));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = options.rate * options.seconds as usize;
    let run_started = Instant::now();
    let mut in_flight = Vec::with_capacity(total);
    let mut last_sample = Instant::now();
    for i in 0..total {
        ticker.tick().await;
        if last_sample.elapsed() >= Duration::from_secs(1) {
            rss_peak.fetch_max(rss_kb(), Ordering::Relaxed);
            last_sample = Instant::now();
        }
        let (http, url, cookie) = (
            http.clone(),
            send_urls[i % send_urls.len()].clone(),
            cookie.clone(),
        );
        let (sent_ids, errors, latencies) = (sent_ids.clone(), errors.clone(), latencies.clone());
        let conversation = conversations[i % conversations.len()];
        in_flight.push(tokio::spawn(async move {
            let body = json!({"conversation_id": conversation, "body": format!("Carga {i}"),
                "private": false, "idempotency_key": format!("load-{i}"), "mentions": []});
            let t = Instant::now();
            let res = http
                .post(&url)
                .header("cookie", cookie)
                .json(&body)
                .send()
                .await;
            let elapsed = t.elapsed();
            match res {
                Ok(res) if res.status().is_success() => {
                    let id = res
                        .json::<serde_json::Value>()
                        .await
                        .ok()
                        .and_then(|v| v["id"].as_i64());
                    match id {
                        Some(id) => {
                            sent_ids.lock().unwrap().push(id);
                            latencies.lock().unwrap().push(elapsed);
                        }
                        None => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                _ => {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for task in in_flight {
        task.await?;
    }
    let send_time = run_started.elapsed();
    let rss_end = rss_kb().max(rss_peak.load(Ordering::Relaxed));
    let rss_peak = rss_peak.load(Ordering::Relaxed).max(rss_end);

    // Let the sockets catch up, then stop them.
    let sent: HashSet<i64> = sent_ids.lock().unwrap().iter().copied().collect();
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::SeqCst);
    let mut lost = 0;
    let mut duplicates = 0;
    let mut out_of_order = 0;
    let mut closed = 0;
    let mut events = 0;
    let mut delays: Vec<u32> = Vec::new();
    for listener in listeners {
        let seen = listener.await?;
        events += seen.events;
        delays.extend_from_slice(&seen.delays_ms);
        lost += sent.difference(&seen.created).count();
        duplicates += seen.duplicates;
        out_of_order += seen.out_of_order;
        closed += usize::from(seen.closed_early);
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = rss_kb();
    let (p50, p99) = {
        let latencies = latencies.lock().unwrap();
        (latencies.percentile(50.0), latencies.percentile(99.0))
    };
    delays.sort_unstable();
    let delay = |p: f64| -> String {
        if delays.is_empty() {
            return "-".into();
        }
        let i = ((p / 100.0) * (delays.len() - 1) as f64).round() as usize;
        delays[i].to_string()
    };
    let row = vec![
        if addrs.len() > 1 {
            format!("{backend}, {} replicas", addrs.len())
        } else {
            backend.to_owned()
        },
        format!(
            "{} s × {}/s, batch {} ms",
            options.seconds,
            options.rate,
            options
                .batch_ms
                .unwrap_or(app::live::hub::DEFAULT_BATCH_INTERVAL.as_millis() as u64)
        ),
        format!("{:.0}", sent.len() as f64 / send_time.as_secs_f64()),
        ms(p50),
        ms(p99),
        errors.load(Ordering::Relaxed).to_string(),
        options.sockets.to_string(),
        format!(
            "{:.0}",
            events as f64 / options.sockets.max(1) as f64 / send_time.as_secs_f64()
        ),
        format!("{} / {}", delay(50.0), delay(99.0)),
        format!(
            "{:.1}",
            (rss_idle.saturating_sub(rss_start)) as f64 / options.sockets.max(1) as f64
        ),
        lost.to_string(),
        duplicates.to_string(),
        out_of_order.to_string(),
        closed.to_string(),
        format!(
            "{:.0} / {:.0} / {:.0} / {:.0}",
            rss_start as f64 / 1024.0,
            rss_idle as f64 / 1024.0,
            rss_peak as f64 / 1024.0,
            rss_after as f64 / 1024.0
        ),
    ];
    drop(servers);
    pool.close().await;
    if postgres {
        crate::drop_named_database(&url).await;
    }
    drop(dir);
    Ok(Some(row))
}
