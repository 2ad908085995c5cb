//! Files and voice messages: agents uploading documents through `POST /api/uploads`
//! (streamed, type detection, storage, pending row) at rising concurrency, then sending
//! them with a message; and the WebM→OGG remux of a real Chromium recording, in process.
use serde_json::json;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};

const CHROMIUM_WEBM: &[u8] = include_bytes!("../../server/tests/fixtures/voice-chromium.webm");

/// A PDF of `size` bytes (a real header; the rest is padding the detector never reads).
fn document(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(size, b' ');
    bytes
}

pub async fn run(files: usize, size_kb: usize) -> anyhow::Result<()> {
    let body = document(size_kb * 1024);
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let conversation: i64 = sqlx::query_scalar(
            "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
             WHERE i.channel_kind = 'web_chat' ORDER BY c.id LIMIT 1",
        )
        .fetch_one(&running.state.db.pool)
        .await?;
        let agent = crate::signed_in(running.addr, "admin@charla.local").await?;
        for concurrency in [1usize, 4] {
            let started = Instant::now();
            let mut tasks = Vec::new();
            for worker in 0..concurrency {
                let agent = agent.clone();
                let body = body.clone();
                let addr = running.addr;
                let count = files / concurrency + usize::from(worker < files % concurrency);
                tasks.push(tokio::spawn(async move {
                    let mut samples = Vec::with_capacity(count);
                    let mut ids = Vec::with_capacity(count);
                    for n in 0..count {
                        let t = Instant::now();
                        let res = agent
                            .post(format!(
                                "http://{addr}/api/uploads?conversation_id={conversation}&name=doc-{worker}-{n}.pdf"
                            ))
                            .body(body.clone())
                            .send()
                            .await?;
                        anyhow::ensure!(res.status() == 201, "upload: {}", res.status());
                        let file: serde_json::Value = res.json().await?;
                        samples.push(t.elapsed());
                        ids.push(file["id"].as_i64().unwrap_or_default());
                    }
                    anyhow::Ok((samples, ids))
                }));
            }
            let mut samples = Samples::new();
            let mut ids = Vec::new();
            for task in tasks {
                let (s, i) = task.await??;
                s.into_iter().for_each(|d| samples.push(d));
                ids.extend(i);
            }
            let elapsed = started.elapsed();
            // Sent in messages of up to 10 files each.
            let sent = Instant::now();
            for chunk in ids.chunks(10) {
                let res = agent
                    .post(format!("http://{}/api/conversations/send", running.addr))
                    .json(
                        &json!({"conversation_id": conversation, "body": "", "private": true,
                        "idempotency_key": null, "mentions": [], "attachments": chunk}),
                    )
                    .send()
                    .await?;
                anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
            }
            let per_message = sent.elapsed() / ids.chunks(10).len().max(1) as u32;
            let megabytes = (files * body.len()) as f64 / (1024.0 * 1024.0);
            rows.push(vec![
                backend.into(),
                concurrency.to_string(),
                format!("{files} × {size_kb} KB"),
                format!("{:.0}", files as f64 / elapsed.as_secs_f64()),
                format!("{:.0}", megabytes / elapsed.as_secs_f64()),
                ms(samples.percentile(50.0)),
                ms(samples.percentile(99.0)),
                ms(per_message),
            ]);
        }
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\nUploads through POST /api/uploads, then sent 10 per message (loopback, local storage):\n");
    table(
        &[
            "database",
            "concurrent agents",
            "files",
            "files/s",
            "MB/s",
            "p50 ms",
            "p99 ms",
            "send of 10 files, ms",
        ],
        &rows,
    );

    // The remux alone: a 2-second Chromium recording to OGG/Opus.
    let rounds = 2_000;
    let started = Instant::now();
    let mut duration_ms = 0;
    for _ in 0..rounds {
        duration_ms = app::storage::remux::webm_to_ogg(CHROMIUM_WEBM)?.duration_ms;
    }
    let per: Duration = started.elapsed() / rounds;
    println!(
        "\nWebM→OGG remux of a {} KB, {} ms Chromium recording: {:.1} µs each ({} rounds)\n",
        CHROMIUM_WEBM.len() / 1024,
        duration_ms,
        per.as_secs_f64() * 1e6,
        rounds
    );
    Ok(())
}
