//! Sign-in storm: `requests` concurrent sign-ins with wrong passwords — against one
//! account, against random emails from one address, and against random emails from
//! as many addresses (behind a trusted proxy, `X-Forwarded-For`) — while another agent
//! signs in correctly from her own address. Printed per storm: the answers by status
//! (401 means the password was checked, so it counts what Argon2 verified), the
//! process's peak RSS during the storm (the server runs in this process), and how long
//! the other agent took to get in (retrying every 250 ms on 503 or 429).
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::report::{ms, table};

const ATTACKER: &str = "10.9.9.9";
const COLLEAGUE: &str = "192.168.1.50";

#[derive(Clone, Copy)]
enum Storm {
    OneAccount,
    RandomEmails,
    RandomAddresses,
}

impl Storm {
    fn label(self) -> &'static str {
        match self {
            Storm::OneAccount => "one account, one address",
            Storm::RandomEmails => "random emails, one address",
            Storm::RandomAddresses => "random emails, random addresses",
        }
    }
}

/// A memory figure of this process from `/proc/self/status`, in MiB: `VmRSS` (now)
/// or `VmHWM` (the kernel's peak resident set).
pub fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Starts a new peak: writing 5 to `clear_refs` resets `VmHWM` (Linux 4.0+).
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn attempt(
    client: &reqwest::Client,
    addr: SocketAddr,
    email: &str,
    password: &str,
    from: &str,
) -> u16 {
    client
        .post(format!("http://{addr}/api/login"))
        .header("x-forwarded-for", from)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

pub async fn run(requests: usize) -> anyhow::Result<()> {
    println!("\n## Sign-in storm: {requests} concurrent wrong guesses (SQLite)\n");
    let mut rows = Vec::new();
    for storm in [
        Storm::OneAccount,
        Storm::RandomEmails,
        Storm::RandomAddresses,
    ] {
        let Some((url, dir)) = crate::fresh_database(false).await? else {
            continue;
        };
        let running = crate::start_configured(url, dir, |c| c.trust_proxy = true).await?;
        let addr = running.addr;
        let limits = running.state.settings.sign_in;
        // Many connections at once, as a storm would open them.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()?;
        reset_peak();
        let before = status_mib("VmRSS:");
        let started = Instant::now();
        let guesses = (0..requests).map(|n| {
            let client = client.clone();
            async move {
                let (email, from) = match storm {
                    Storm::OneAccount => ("lucia@charla.local".to_owned(), ATTACKER.to_owned()),
                    Storm::RandomEmails => (format!("azar{n}@example.com"), ATTACKER.to_owned()),
                    Storm::RandomAddresses => (
                        format!("azar{n}@example.com"),
                        format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256),
                    ),
                };
                attempt(&client, addr, &email, "adivinanza", &from).await
            }
        });
        let storm_task = tokio::spawn(futures::future::join_all(guesses));
        // The colleague starts once the storm is under way.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let colleague_started = Instant::now();
        let mut colleague_tries = 0;
        let colleague = loop {
            colleague_tries += 1;
            let status = attempt(
                &client,
                addr,
                "marcos@charla.local",
                app::db::seed::DEMO_PASSWORD,
                COLLEAGUE,
            )
            .await;
            if status == 200 || colleague_started.elapsed() > Duration::from_secs(120) {
                break (status == 200).then(|| colleague_started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let statuses = storm_task.await?;
        let took = started.elapsed();
        let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
        rows.push(vec![
            storm.label().to_owned(),
            count(401).to_string(),
            count(429).to_string(),
            count(503).to_string(),
            (statuses.len() - count(401) - count(429) - count(503)).to_string(),
            format!("{:.0} → {:.0}", before, status_mib("VmHWM:")),
            colleague.map_or("not in 120 s".to_owned(), ms),
            colleague_tries.to_string(),
            format!("{:.1}", took.as_secs_f64()),
            format!("{}/{}", limits.per_account, limits.per_address),
        ]);
        running.state.db.pool.close().await;
    }
    table(
        &[
            "storm",
            "verified (401)",
            "throttled (429)",
            "busy (503)",
            "other",
            "RSS before → peak MiB",
            "colleague in (ms)",
            "colleague tries",
            "storm s",
            "limit account/address",
        ],
        &rows,
    );
    Ok(())
}
