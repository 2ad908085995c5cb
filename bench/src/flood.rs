//! Widget flood: for `seconds`, `workers` concurrent scripts hit the public widget as
//! fast as it answers — new visitors (each would be a contact, an identity and a
//! conversation), messages from visitors they created, and 256 KiB uploads sent with a
//! message — first from one client address, then spread over 200 loopback addresses
//! (127.0.x.y: the server sees each as its own peer). Meanwhile an agent replies five
//! times a second. Printed per run: what the widget accepted and refused (429), the
//! agent's reply latency, the process's RSS (the server runs in it) and the disk used by
//! the database and stored files at the end. A run without a flood comes first, as the
//! baseline for the agent's latency, and one with every limit lifted last, as the
//! widget behaved before it had any.
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};
use crate::signin::{reset_peak, status_mib};

#[derive(Clone, Copy, PartialEq)]
enum Source {
    None,
    OneAddress,
    ManyAddresses,
    /// One address with every widget limit lifted: what the flood did before them.
    Unlimited,
}

impl Source {
    fn label(self) -> &'static str {
        match self {
            Source::None => "no flood (baseline)",
            Source::OneAddress => "one address",
            Source::ManyAddresses => "200 addresses",
            Source::Unlimited => "one address, limits lifted",
        }
    }
}

/// Answers of one kind of request: accepted, throttled, anything else.
#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    throttled: AtomicUsize,
    other: AtomicUsize,
    /// The last "other" status seen (0: no answer at all).
    last_other: AtomicUsize,
}

impl Tally {
    fn count(&self, status: u16) {
        match status {
            200 | 201 => &self.ok,
            429 => &self.throttled,
            _ => {
                self.last_other
                    .store(usize::from(status), Ordering::Relaxed);
                &self.other
            }
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    fn cell(&self) -> String {
        let other = self.other.load(Ordering::Relaxed);
        format!(
            "{} / {} / {}{}",
            self.ok.load(Ordering::Relaxed),
            self.throttled.load(Ordering::Relaxed),
            other,
            if other > 0 {
                format!(" ({})", self.last_other.load(Ordering::Relaxed))
            } else {
                String::new()
            }
        )
    }
}

#[derive(Default)]
struct Tallies {
    visitors: Tally,
    messages: Tally,
    uploads: Tally,
}

fn dir_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(size, b' ');
    bytes
}

/// Clients bound to their own loopback source address each.
fn clients(source: Source) -> anyhow::Result<Vec<reqwest::Client>> {
    let count = if source == Source::ManyAddresses {
        200
    } else {
        1
    };
    (0..count)
        .map(|n| {
            let ip = Ipv4Addr::new(127, 0, 1 + (n / 250) as u8, 2 + (n % 250) as u8);
            Ok(reqwest::Client::builder()
                .local_address(IpAddr::V4(ip))
                .timeout(Duration::from_secs(30))
                .build()?)
        })
        .collect()
}

async fn widget_send(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    visitor: Option<&str>,
    attachments: &[i64],
) -> (u16, Option<String>) {
    let body = json!({"token": token, "visitor": visitor, "body": "¿Hola? spam spam",
        "name": null, "email": null, "attachments": attachments, "user": null});
    match client
        .post(format!("{base}/api/widget/send"))
        .json(&body)
        .send()
        .await
    {
        Ok(res) => {
            let status = res.status().as_u16();
            let visitor = if status == 200 {
                res.json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v.get("visitor").and_then(Value::as_str).map(str::to_owned))
            } else {
                None
            };
            (status, visitor)
        }
        Err(_) => (0, None),
    }
}

async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    visitor: &str,
    file: &[u8],
) -> (u16, Option<i64>) {
    match client
        .post(format!(
            "{base}/api/widget/uploads?token={token}&name=spam.pdf"
        ))
        .header(app::wire::VISITOR_HEADER, visitor)
        .body(file.to_vec())
        .send()
        .await
    {
        Ok(res) => {
            let status = res.status().as_u16();
            let id = if status == 201 {
                res.json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v.get("id").and_then(Value::as_i64))
            } else {
                None
            };
            (status, id)
        }
        Err(_) => (0, None),
    }
}

/// One flooding script: new visitor, a message as her, an upload sent with a message;
/// again, until `until`.
async fn flood(
    client: reqwest::Client,
    base: String,
    token: String,
    until: Instant,
    tallies: Arc<Tallies>,
) {
    let file = pdf(256 * 1024);
    let mut visitor: Option<String> = None;
    while Instant::now() < until {
        let (status, new) = widget_send(&client, &base, &token, None, &[]).await;
        tallies.visitors.count(status);
        if new.is_some() {
            visitor = new;
        }
        let Some(v) = visitor.clone() else {
            // Refused before any visitor existed: nothing else to try yet.
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let (status, _) = widget_send(&client, &base, &token, Some(&v), &[]).await;
        tallies.messages.count(status);
        let (status, id) = upload(&client, &base, &token, &v, &file).await;
        tallies.uploads.count(status);
        if let Some(id) = id {
            let (status, _) = widget_send(&client, &base, &token, Some(&v), &[id]).await;
            tallies.messages.count(status);
        }
    }
}

pub async fn run(seconds: u64, workers: usize) -> anyhow::Result<()> {
    println!("\n## Widget flood: {workers} scripts for {seconds} s per run (SQLite)\n");
    let mut rows = Vec::new();
    for source in [
        Source::None,
        Source::OneAddress,
        Source::ManyAddresses,
        Source::Unlimited,
    ] {
        let Some((url, dir)) = crate::fresh_database(false).await? else {
            continue;
        };
        let db_dir = dir.as_ref().map(|d| d.path().to_owned());
        let mut files_dir = PathBuf::new();
        let running = crate::start_configured(url, dir, |c| {
            files_dir = c.files_dir.clone();
            if source == Source::Unlimited {
                c.widget = app::widget::ssr::limits::WidgetLimits::lifted();
            }
        })
        .await?;
        let base = format!("http://{}", running.addr);
        let token: String = sqlx::query_scalar(
            "SELECT web_token FROM inboxes WHERE channel_kind = 'web_chat' ORDER BY id LIMIT 1",
        )
        .fetch_one(&running.state.db.pool)
        .await?;
        let conversation: i64 = sqlx::query_scalar(
            "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
             WHERE i.channel_kind = 'web_chat' ORDER BY c.id LIMIT 1",
        )
        .fetch_one(&running.state.db.pool)
        .await?;
        let agent = crate::signed_in(running.addr, "admin@charla.local").await?;
        reset_peak();
        let rss_before = status_mib("VmRSS:");
        let tallies = Arc::new(Tallies::default());
        let until = Instant::now() + Duration::from_secs(seconds);
        let mut scripts = Vec::new();
        if source != Source::None {
            let clients = clients(source)?;
            for n in 0..workers {
                scripts.push(tokio::spawn(flood(
                    clients[n % clients.len()].clone(),
                    base.clone(),
                    token.clone(),
                    until,
                    tallies.clone(),
                )));
            }
        }
        // The agent keeps answering: five replies a second.
        let mut replies = Samples::new();
        let mut failed_replies = 0;
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        let mut n = 0;
        while Instant::now() < until {
            tick.tick().await;
            n += 1;
            let started = Instant::now();
            let res = agent
                .post(format!("{base}/api/conversations/send"))
                .json(
                    &json!({"conversation_id": conversation, "body": format!("respuesta {n}"),
                    "private": false, "idempotency_key": null, "mentions": [], "attachments": []}),
                )
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => replies.push(started.elapsed()),
                _ => failed_replies += 1,
            }
        }
        for script in scripts {
            let _ = script.await;
        }
        let rss_peak = status_mib("VmHWM:");
        let rss_end = status_mib("VmRSS:");
        let disk = dir_bytes(&files_dir) + db_dir.as_deref().map_or(0, dir_bytes);
        let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts")
            .fetch_one(&running.state.db.pool)
            .await?;
        rows.push(vec![
            source.label().to_owned(),
            tallies.visitors.cell(),
            tallies.messages.cell(),
            tallies.uploads.cell(),
            contacts.to_string(),
            format!(
                "{} / {}",
                ms(replies.percentile(50.0)),
                ms(replies.percentile(99.0))
            ),
            failed_replies.to_string(),
            format!("{rss_before:.0} / {rss_peak:.0} / {rss_end:.0}"),
            format!("{:.1}", disk as f64 / (1024.0 * 1024.0)),
        ]);
        running.state.db.pool.close().await;
    }
    let limits = app::widget::ssr::limits::WidgetLimits::default();
    table(
        &[
            "flood from",
            "new visitors ok / 429 / other",
            "messages ok / 429 / other",
            "uploads ok / 429 / other",
            "contacts at end",
            "agent reply p50 / p99 ms",
            "agent replies failed",
            "RSS MiB before / peak / end",
            "disk MiB at end",
        ],
        &rows,
    );
    println!(
        "\nLimits (defaults): new visitors {}/min per address, {}/min per inbox; messages and uploads {}/min per address, {}/min per inbox.",
        limits.new_visitors_per_address,
        limits.new_visitors_per_inbox,
        limits.messages_per_address,
        limits.messages_per_inbox
    );
    Ok(())
}
