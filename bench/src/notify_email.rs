//! Email notifications (issue 29): 1,000 mentions spread over a minute among 100
//! agents who are away, with a one-second delay before emailing; the worker groups
//! each agent's unseen mentions into one email and hands it to an SMTP sink on
//! loopback (it accepts and counts; delivering is the mail server's work, measured by
//! the `email` scenario). Prints emails sent, mentions they carried, and how long after
//! the last mention the last email left.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::report::{ms, table};

/// An SMTP server that accepts every message and counts them.
async fn smtp_sink() -> anyhow::Result<(u16, Arc<AtomicUsize>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        counted.fetch_add(1, Ordering::SeqCst);
                        b"250 queued\r\n"
                    } else {
                        match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                            "EHLO" | "HELO" => b"250 sink\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok((port, count))
}

pub async fn run(mentions: usize, agents: usize, seconds: u64) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((url, dir)) = crate::fresh_database(postgres).await? else {
            continue;
        };
        let backend = if postgres { "PostgreSQL" } else { "SQLite" };
        let (port, sent) = smtp_sink().await?;
        let running = crate::start_configured(url, dir, |config| {
            config.notify.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
            config.notify.email_after_secs = 1;
        })
        .await?;
        let db = running.state.db.clone();
        let conversation: i64 =
            sqlx::query_scalar("SELECT id FROM conversations ORDER BY id LIMIT 1")
                .fetch_one(&db.pool)
                .await?;
        let now = app::db::now_ms();
        let mut ids = Vec::with_capacity(agents);
        {
            let mut tx = db.begin_write().await?;
            for i in 0..agents {
                let id = crate::notify::insert_agent(
                    &mut tx,
                    &format!("aviso{i}"),
                    "administrator",
                    now,
                )
                .await?;
                ids.push(id);
            }
            tx.finish().await?;
        }
        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let pace = Duration::from_secs(seconds).div_f64(mentions as f64);
        let started = Instant::now();
        for i in 0..mentions {
            let due = started + pace.mul_f64(i as f64);
            tokio::time::sleep_until(due.into()).await;
            let res = admin
                .post(format!("http://{}/api/conversations/send", running.addr))
                .json(&json!({"conversation_id": conversation, "body": format!("@aviso mira {i}"), "private": true,
                    "idempotency_key": null, "mentions": [ids[i % agents]]}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
        }
        let last_mention = Instant::now();
        let deadline = last_mention + Duration::from_secs(120);
        loop {
            let pending: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE email_state = 'pending' OR email_claimed_until IS NOT NULL",
            )
            .fetch_one(&db.pool)
            .await?;
            if pending == 0 {
                break;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{pending} emails still pending after 120 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let drained = last_mention.elapsed();
        let carried: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE email_state = 'sent'")
                .fetch_one(&db.pool)
                .await?;
        rows.push(vec![
            backend.to_owned(),
            format!(
                "{mentions} in {:.0} s to {agents}",
                (last_mention - started).as_secs_f64()
            ),
            sent.load(Ordering::SeqCst).to_string(),
            carried.to_string(),
            ms(drained),
        ]);
        crate::drop_database(&running).await;
    }
    println!("\n## Email notifications: mentions unseen for 1 s, grouped per agent\n");
    table(
        &[
            "database",
            "mentions",
            "emails sent",
            "mentions carried",
            "last email after last mention ms",
        ],
        &rows,
    );
    Ok(())
}
