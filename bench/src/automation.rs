//! Automation rules: what 50 active rules add to an inbound message (signed WhatsApp
//! deliveries through the real webhook, as in `whatsapp`), and how long after the
//! message the rules have acted. Rules run after the message's own transaction (the
//! engine follows the event log), so the inbound figure shows only the engine's
//! competition for the database; the lag is the time from the message to its rule's
//! activity line (both as the server stored them, `updated_at`, in milliseconds: an
//! inbound message's `created_at` is the customer's clock, in whole seconds on WhatsApp).
use serde_json::json;
use std::time::{Duration, Instant};

use crate::report::{ms, table, Samples};
use crate::whatsapp::{configured_inbox, inbound, instant_graph};

const CONCURRENCY: usize = 8;
const CUSTOMERS: usize = 200;

/// `count` rules on "message received": all but the last look for words no message
/// has (their conditions are read for every message), the last matches every
/// message and raises its priority.
async fn save_rules(
    running: &crate::Running,
    admin: &reqwest::Client,
    count: usize,
) -> anyhow::Result<()> {
    for i in 0..count {
        let last = i + 1 == count;
        let word = if last {
            "mensaje".to_owned()
        } else {
            format!("palabra-{i}")
        };
        let rule = json!({"name": format!("Regla {i}"), "event_name": "message_created",
            "conditions": [
                {"attribute_key": "content", "filter_operator": "contains", "values": [word], "query_operator": "and"},
                {"attribute_key": "channel", "filter_operator": "equal_to", "values": ["whatsapp"]}
            ],
            "actions": [{"action_name": "change_priority", "action_params": ["high"]}]});
        let res = admin
            .post(format!("http://{}/api/automation/save", running.addr))
            .json(&json!({"id": null, "rule": rule}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "saving a rule: {}", res.status());
    }
    Ok(())
}

/// Waits until the engine has read the whole event log.
async fn settled(running: &crate::Running) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let (cursor, newest): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT MAX(last_event_id) FROM automation_cursors), (SELECT MAX(id) FROM events)",
        )
        .fetch_one(&running.state.db.pool)
        .await?;
        if cursor.is_some() && cursor >= newest {
            return Ok(started.elapsed());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the rules never caught up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// For each customer message after `after`, the time until its rule's line: lines come
/// in the order the messages did, one per message, so they pair first with first.
async fn lags(running: &crate::Running, after: i64) -> anyhow::Result<(Samples, usize)> {
    let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT conversation_id, direction, updated_at, content_attributes FROM messages \
         WHERE id > $1 ORDER BY conversation_id, id",
    )
    .bind(after)
    .fetch_all(&running.state.db.pool)
    .await?;
    let mut samples = Samples::new();
    let mut waiting: std::collections::VecDeque<i64> = Default::default();
    let mut unanswered = 0;
    let mut current = None;
    for (conversation, direction, at, attributes) in rows {
        if current != Some(conversation) {
            unanswered += waiting.len();
            waiting.clear();
            current = Some(conversation);
        }
        if direction == "incoming" {
            waiting.push_back(at);
        } else if attributes
            .as_deref()
            .is_some_and(|a| a.contains("automation_ran"))
        {
            if let Some(sent) = waiting.pop_front() {
                samples.push(Duration::from_millis((at - sent).max(0) as u64));
            }
        }
    }
    Ok((samples, unanswered + waiting.len()))
}

pub async fn run(total: usize, rules: usize) -> anyhow::Result<()> {
    let graph = instant_graph().await?;
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        let admin = crate::signed_in(running.addr, "admin@charla.local").await?;
        let inbox = configured_inbox(&running, &admin, &graph).await?;
        let webhook = format!("http://{}/webhooks/whatsapp/{inbox}", running.addr);
        // Warm-up, at full concurrency: each customer's first message opens her
        // conversation while others' second ones arrive (the mix that deadlocked on
        // PostgreSQL before a new conversation was announced after its first message).
        inbound(&webhook, 0, 2 * CUSTOMERS, CONCURRENCY, CUSTOMERS).await?;
        // Deliveries are numbered on from the warm-up's (a repeated id would be Meta
        // delivering again, which stores nothing).
        let (elapsed, without) =
            inbound(&webhook, 2 * CUSTOMERS, total, CONCURRENCY, CUSTOMERS).await?;
        rows.push(vec![
            backend.to_owned(),
            "0".into(),
            format!("{:.0}", total as f64 / elapsed.as_secs_f64()),
            ms(without.percentile(50.0)),
            ms(without.percentile(99.0)),
            "–".into(),
            "–".into(),
        ]);
        save_rules(&running, &admin, rules).await?;
        let after: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM messages")
            .fetch_one(&running.state.db.pool)
            .await?;
        let (elapsed, with) = inbound(
            &webhook,
            2 * CUSTOMERS + total,
            total,
            CONCURRENCY,
            CUSTOMERS,
        )
        .await?;
        let caught_up = settled(&running).await?;
        let (lag, unanswered) = lags(&running, after).await?;
        anyhow::ensure!(
            unanswered == 0,
            "{unanswered} messages without their rule's line"
        );
        anyhow::ensure!(
            lag.len() == total,
            "{} rule lines for {total} messages",
            lag.len()
        );
        rows.push(vec![
            backend.to_owned(),
            rules.to_string(),
            format!("{:.0}", total as f64 / elapsed.as_secs_f64()),
            ms(with.percentile(50.0)),
            ms(with.percentile(99.0)),
            format!(
                "{} / {}",
                ms(lag.percentile(50.0)),
                ms(lag.percentile(99.0))
            ),
            ms(caught_up),
        ]);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Automation rules: WhatsApp inbound without and with {rules} active rules ({total} deliveries per row, concurrency {CONCURRENCY}, {CUSTOMERS} customers)\n");
    table(
        &[
            "database",
            "active rules",
            "deliveries/s",
            "inbound p50 ms",
            "inbound p99 ms",
            "rule lag p50 / p99 ms",
            "engine caught up after the last delivery, ms",
        ],
        &rows,
    );
    Ok(())
}
