//! Search inside a date range (issue 28): newest first by the messages' own time (one
//! that arrives late with an older time takes its place by that time), every hit once
//! across keyset pages whether the range holds a few hundred messages, more than the
//! first reads cover, or a term too rare for them; the range read through the date
//! index. The expected hits come from a plain query over the table, not from the search.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::db::Backend as DbBackend;
use app::search::model::{MessageQuery, MessageResults};

on_both_backends!(
    a_date_range_pages_by_the_messages_own_time,
    the_date_index_reads_the_range,
);

const BASE: i64 = 1_700_000_000_000;
/// Messages stored, and the span of their times in seconds (a prime above it, so
/// `n * 7919 % SPAN` gives each a different time, in an order unrelated to their ids).
const STORED: i64 = 30_000;
const SPAN: i64 = 30_011;

/// Every hit of `text` in the range, page after page, as the search returns them.
async fn all_pages(app: &TestApp, cookie: &str, query: serde_json::Value) -> Vec<i64> {
    let mut found = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let page: MessageResults = app
            .ok(
                cookie,
                "search/messages",
                json!({"query": query, "before": before}),
            )
            .await;
        assert!(page.items.len() <= 20, "a page holds at most 20");
        found.extend(page.items.iter().map(|hit| hit.message_id));
        match page.next {
            Some(next) => before = Some(next),
            None => return found,
        }
    }
}

/// What a plain scan of the table finds: the messages in the range whose text holds
/// `needle`, newest first by their time.
async fn expected(app: &TestApp, needle: &str, since: Option<i64>, until: Option<i64>) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT id FROM messages WHERE body LIKE $1 AND direction <> 'activity' \
         AND created_at >= $2 AND created_at < $3 ORDER BY created_at DESC, id DESC",
    )
    .bind(format!("%{needle}%"))
    .bind(since.unwrap_or(i64::MIN))
    .bind(until.unwrap_or(i64::MAX))
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn a_date_range_pages_by_the_messages_own_time(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "hola", "name": "Pablo", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    // One in 601 mentions "aguja", one in 4001 "hilo" (too rare for the first reads).
    let mut tx = app.state.db.begin_write().await.unwrap();
    sqlx::query(&format!(
        "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {STORED}) \
         INSERT INTO messages (account_id, inbox_id, conversation_id, direction, sender_contact_id, \
         body, content_type, created_at, updated_at) \
         SELECT c.account_id, c.inbox_id, c.id, 'incoming', c.contact_id, \
         CASE WHEN k.n % 4001 = 0 THEN 'hilo ' || k.n WHEN k.n % 601 = 0 THEN 'aguja ' || k.n \
         ELSE 'relleno ' || k.n END, 'text', \
         {BASE} + (k.n * 7919 % {SPAN}) * 1000, {BASE} FROM conversations c, k WHERE c.id = $1"
    ))
    .bind(conversation)
    .execute(tx.conn())
    .await
    .unwrap();
    tx.finish().await.unwrap();

    let second = |s: i64| BASE + s * 1000;
    let ranges = [
        // A few hundred messages: read whole at once.
        (Some(second(10_000)), Some(second(10_500))),
        // Some thousands: more than the first read, fewer than the second.
        (Some(second(3_000)), Some(second(9_000))),
        // Since a time, and until a time: more than every read.
        (Some(second(2_000)), None),
        (None, Some(second(28_000))),
    ];
    for needle in ["aguja", "hilo"] {
        for (since, until) in ranges {
            let want = expected(&app, needle, since, until).await;
            // "hilo" is too rare for some ranges: those check that nothing is found.
            assert!(
                needle == "hilo" || !want.is_empty(),
                "{needle} {since:?}..{until:?}"
            );
            let got = all_pages(
                &app,
                &lucia.cookie,
                json!({"text": needle, "since": since, "until": until}),
            )
            .await;
            assert_eq!(got, want, "{needle} {since:?}..{until:?}");
        }
    }
    // An empty range: no hits, no next page.
    let got = all_pages(
        &app,
        &lucia.cookie,
        json!({"text": "aguja", "since": second(SPAN + 10), "until": second(SPAN + 20)}),
    )
    .await;
    assert!(got.is_empty());
    // Bad input is refused as without a range.
    let refused = app
        .call_json(
            Some(&lucia.cookie),
            "search/messages",
            json!({"query": {"text": "a", "since": second(0)}, "before": null}),
        )
        .await;
    assert_eq!(refused.status(), 422);
}

async fn the_date_index_reads_the_range(app: TestApp) {
    let viewer = app::auth::permission::Viewer {
        account_id: 1,
        agent_id: app.agent_id(ADMIN).await,
        admin: true,
    };
    let query = MessageQuery {
        text: "factura".into(),
        since: Some(BASE),
        until: Some(BASE + 86_400_000),
        ..Default::default()
    };
    let plan = app::search::ssr::plan(&app.state.db, viewer, &query)
        .await
        .unwrap();
    let joined = plan.join("\n");
    assert!(joined.contains("messages_created_idx"), "{joined}");
    match app.state.db.backend {
        DbBackend::Sqlite => {
            assert!(joined.contains("VIRTUAL TABLE INDEX"), "{joined}");
            assert!(
                !plan.iter().any(|l| {
                    let l = l.trim();
                    ["SCAN m", "SCAN messages"]
                        .iter()
                        .any(|scan| l == *scan || l.starts_with(&format!("{scan} ")))
                }),
                "a scan of the messages:\n{joined}"
            );
        }
        DbBackend::Postgres => assert!(!joined.contains("Seq Scan on messages"), "{joined}"),
    }
}
