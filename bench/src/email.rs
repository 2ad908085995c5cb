//! Email against the loopback mail servers (`scripts/mail-servers.sh`): customers' mails
//! submitted over SMTP and taken in by the IMAP poller (parse, thread, store), and the
//! outbox sending agents' replies through SMTP until the customer's mailbox has them.
use serde_json::json;
use std::time::{Duration, Instant};

use crate::report::table;
use app::channels::email::imap;
use app::domain::email_inbox::{Security, ServerSettings};

const SMTP_PORT: u16 = 2525;
const IMAP_PORT: u16 = 1143;

async fn submit(from: &str, to: &str, raw: String) -> anyhow::Result<()> {
    use lettre::AsyncTransport;
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(SMTP_PORT)
            .build();
    let envelope = lettre::address::Envelope::new(Some(from.parse()?), vec![to.parse()?])?;
    transport.send_raw(&envelope, raw.as_bytes()).await?;
    Ok(())
}

pub async fn run(total: usize) -> anyhow::Result<()> {
    if tokio::net::TcpStream::connect(("127.0.0.1", SMTP_PORT))
        .await
        .is_err()
    {
        anyhow::bail!(
            "no SMTP server on 127.0.0.1:{SMTP_PORT}: run `bash scripts/mail-servers.sh start`"
        );
    }
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let run_id = format!("{}{}", std::process::id(), app::db::now_ms() % 100_000);
        let support = format!("bench.{run_id}.{backend}@charla.test").to_lowercase();
        let inbox_id: i64 = sqlx::query_scalar(
            "SELECT id FROM inboxes WHERE channel_kind = 'email' ORDER BY id LIMIT 1",
        )
        .fetch_one(&running.state.db.pool)
        .await?;
        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let res = admin
            .post(format!("http://{}/api/team/save_email", running.addr))
            .json(&json!({"id": inbox_id, "settings": {"from_name": "Bench", "from_address": support,
                "smtp": {"host": "127.0.0.1", "port": SMTP_PORT, "security": "none", "user": ""}, "smtp_password": "",
                "imap": {"host": "127.0.0.1", "port": IMAP_PORT, "security": "none", "user": support},
                "imap_password": "secreto", "imap_mailbox": "INBOX", "poll_interval_secs": 3600}}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "configuring: {}", res.status());

        // Inbound: the server's own watcher (IMAP IDLE) takes mail in as it arrives; timed
        // from the first submission until every mail is stored.
        let started = Instant::now();
        for i in 0..total {
            let from = format!("cliente{}.{run_id}@example.org", i % 50);
            submit(&from, &support, format!(
                "From: <{from}>\r\nTo: <{support}>\r\nSubject: Consulta {i}\r\nMessage-ID: <b{i}.{run_id}@example.org>\r\n\r\nMensaje de prueba {i}.\r\n"
            ))
            .await?;
        }
        let submitted = started.elapsed();
        let pattern = format!("b%.{run_id}@example.org");
        loop {
            let stored: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE external_id LIKE $1")
                    .bind(&pattern)
                    .fetch_one(&running.state.db.pool)
                    .await?;
            if stored as usize >= total {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(300),
                "only {stored} of {total} mails stored"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let taken_in = started.elapsed();

        // Outbound: one reply per conversation, sent by the outbox until delivered.
        let conversations: Vec<i64> = sqlx::query_scalar("SELECT id FROM conversations WHERE inbox_id = $1 AND subject LIKE 'Consulta%' ORDER BY id")
            .bind(inbox_id)
            .fetch_all(&running.state.db.pool)
            .await?;
        let started = Instant::now();
        for (i, id) in conversations.iter().cycle().take(total).enumerate() {
            let res = admin
                .post(format!("http://{}/api/conversations/send", running.addr))
                .json(&json!({"conversation_id": id, "body": format!("Respuesta {i}"), "private": false, "idempotency_key": null, "mentions": []}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "send: {}", res.status());
        }
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
        let sent = started.elapsed();
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'done'")
            .fetch_one(&running.state.db.pool)
            .await?;
        // The first customer's mailbox holds their replies.
        let first = format!("cliente0.{run_id}@example.org");
        let mailbox = ServerSettings {
            host: "127.0.0.1".into(),
            port: IMAP_PORT,
            security: Security::None,
            user: first,
        };
        let mut session = imap::login(
            &app::channels::outbound::OutboundPolicy {
                allow_private: true,
                ..Default::default()
            },
            &mailbox,
            "secreto",
        )
        .await
        .map_err(anyhow::Error::msg)?;
        let received = imap::unseen(&mut session, "INBOX")
            .await
            .map_err(anyhow::Error::msg)?
            .len();
        let _ = session.logout().await;
        rows.push(vec![
            backend.to_owned(),
            total.to_string(),
            format!("{:.0}", total as f64 / submitted.as_secs_f64()),
            format!("{:.0}", total as f64 / taken_in.as_secs_f64()),
            format!("{done}"),
            format!("{:.0}", total as f64 / sent.as_secs_f64()),
            received.to_string(),
        ]);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Email: OpenSMTPD + Dovecot on loopback ({total} mails each way)\n");
    table(
        &[
            "database",
            "mails",
            "submitted/s (SMTP)",
            "submitted and stored/s (SMTP → IMAP IDLE → stored)",
            "replies sent",
            "replies sent/s (outbox → SMTP)",
            "in 1st customer's mailbox",
        ],
        &rows,
    );
    Ok(())
}
