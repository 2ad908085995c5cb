//! The conversation list at scale: seeds N conversations with M messages each (one
//! contact per conversation, spread over the demo inboxes, statuses and assignees),
//! then times through the real server: the first page of "Todas" with the tab counts,
//! the same tab 400 pages deep (keyset cursor), and the administrator's "Mías"; then
//! the Chatwoot-compatible API's lists.
use serde_json::json;
use std::time::Instant;

use crate::report::{ms, table, Samples};

mod bulk;
mod chatwoot;
use bulk::bulk_row;

pub struct Options {
    pub conversations: usize,
    pub messages_per_conversation: usize,
    pub samples: usize,
    pub deep_pages: usize,
}

/// Seeds in SQL (a recursive row generator both databases understand), so a million
/// messages take seconds rather than a million round trips.
async fn seed(db: &app::db::Db, options: &Options) -> anyhow::Result<std::time::Duration> {
    let started = Instant::now();
    let inboxes: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE account_id = 1 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    let agents: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM agents WHERE account_id = 1 ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    anyhow::ensure!(
        !inboxes.is_empty() && agents.len() >= 2,
        "demo data missing"
    );
    let before_contacts: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM contacts")
        .fetch_one(&db.pool)
        .await?;
    let before_conversations: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM conversations")
            .fetch_one(&db.pool)
            .await?;
    let display_base: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(display_id), 0) FROM conversations")
            .fetch_one(&db.pool)
            .await?;
    let base_time = 1_700_000_000_000_i64;
    let n = options.conversations;
    // In chunks, so neither database builds one enormous transaction.
    const CHUNK: usize = 50_000;
    let mut done = 0;
    while done < n {
        let take = CHUNK.min(n - done);
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i < {to}) \
             INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
             SELECT 1, 'Cliente ' || i, 'cliente' || i || '@example.com', 'cliente ' || i || ' cliente' || i || '@example.com', \
             'cliente ' || i, {base_time} + i * 1000, {base_time}, {base_time} FROM g",
            from = done + 1,
            to = done + take
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        done += take;
    }
    let inbox_case = {
        let mut case = String::from("CASE ct.id % ");
        case.push_str(&inboxes.len().to_string());
        for (k, id) in inboxes.iter().enumerate() {
            case.push_str(&format!(" WHEN {k} THEN {id}"));
        }
        case.push_str(" END");
        case
    };
    let (admin, agent) = (agents[0], agents[1]);
    let mut from = before_contacts;
    let last_contact: i64 = sqlx::query_scalar("SELECT MAX(id) FROM contacts")
        .fetch_one(&db.pool)
        .await?;
    while from < last_contact {
        let to = (from + CHUNK as i64).min(last_contact);
        let mut tx = db.begin_write().await?;
        // Six in ten open, one pending, three resolved; a third each unassigned, the
        // administrator's, another agent's. Newer contacts have newer activity.
        sqlx::query(&format!(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, assignee_id, status, \
             last_activity_at, last_customer_message_at, last_message_preview, created_at, updated_at) \
             SELECT 1, {display_base} + ct.id - {before_contacts}, {inbox_case}, ct.id, \
             CASE ct.id % 3 WHEN 0 THEN NULL WHEN 1 THEN {admin} ELSE {agent} END, \
             CASE WHEN ct.id % 10 < 6 THEN 'open' WHEN ct.id % 10 = 6 THEN 'pending' ELSE 'resolved' END, \
             ct.last_activity_at, ct.last_activity_at, 'Mensaje de ' || ct.name, {base_time}, {base_time} \
             FROM contacts ct WHERE ct.id > {from} AND ct.id <= {to}"
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        from = to;
    }
    let m = options.messages_per_conversation;
    let mut from = before_conversations;
    let last_conversation: i64 = sqlx::query_scalar("SELECT MAX(id) FROM conversations")
        .fetch_one(&db.pool)
        .await?;
    let step = (CHUNK / m.max(1)).max(1) as i64;
    while from < last_conversation {
        let to = (from + step).min(last_conversation);
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {m}) \
             INSERT INTO messages (account_id, inbox_id, conversation_id, direction, sender_contact_id, \
             sender_agent_id, body, content_type, delivery_status, created_at, updated_at) \
             SELECT 1, c.inbox_id, c.id, CASE k.n % 2 WHEN 1 THEN 'incoming' ELSE 'outgoing' END, \
             CASE k.n % 2 WHEN 1 THEN c.contact_id ELSE NULL END, \
             CASE k.n % 2 WHEN 1 THEN NULL ELSE {admin} END, 'Mensaje ' || k.n, 'text', \
             CASE k.n % 2 WHEN 1 THEN NULL ELSE 'delivered' END, \
             c.last_activity_at - ({m} - k.n) * 1000, c.last_activity_at - ({m} - k.n) * 1000 \
             FROM conversations c, k WHERE c.id > {from} AND c.id <= {to}"
        ))
        .execute(tx.conn())
        .await?;
        tx.finish().await?;
        from = to;
    }
    // Triage: five labels, each on a fifth of the conversations, and the priorities
    // spread evenly (issue 27's filtered list).
    let mut tx = db.begin_write().await?;
    for k in 0..5 {
        sqlx::query(
            "INSERT INTO labels (account_id, name, color, created_at, updated_at) VALUES (1, $1, '#1f77b4', 0, 0) \
             ON CONFLICT (account_id, name) DO NOTHING",
        )
        .bind(format!("bench-{k}"))
        .execute(tx.conn())
        .await?;
    }
    let first_label: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM labels WHERE account_id = 1 AND name LIKE 'bench-%'",
    )
    .fetch_one(tx.conn())
    .await?;
    sqlx::query(&format!(
        "INSERT INTO conversation_labels (conversation_id, label_id, created_at) \
         SELECT id, {first_label} + id % 5, 0 FROM conversations WHERE id > {before_conversations}"
    ))
    .execute(tx.conn())
    .await?;
    // Half the customers wrote last and wait, since shortly before their last activity.
    sqlx::query(&format!(
        "UPDATE conversations SET priority = (id / 5) % 5, \
         waiting_since = CASE WHEN id % 2 = 0 THEN last_activity_at - 1000 ELSE NULL END \
         WHERE id > {before_conversations}"
    ))
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    crate::analyze(db).await?;
    Ok(started.elapsed())
}

async fn time(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
    samples: usize,
) -> anyhow::Result<(Samples, serde_json::Value)> {
    let mut last = serde_json::Value::Null;
    for _ in 0..samples.min(10) {
        let res = client.post(url).json(body).send().await?;
        anyhow::ensure!(res.status().is_success(), "{url}: {}", res.status());
        last = res.json().await?;
    }
    let mut timings = Samples::new();
    for _ in 0..samples {
        let started = Instant::now();
        let res = client.post(url).json(body).send().await?;
        let _ = res.bytes().await?;
        timings.push(started.elapsed());
    }
    Ok((timings, last))
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        eprintln!(
            "{backend}: seeding {} conversations × {} messages…",
            options.conversations, options.messages_per_conversation
        );
        let seeded = seed(&running.state.db, &options).await?;
        let conversations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations")
            .fetch_one(&running.state.db.pool)
            .await?;
        let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
            .fetch_one(&running.state.db.pool)
            .await?;
        eprintln!("{backend}: seeded in {:.1} s", seeded.as_secs_f64());
        let label: i64 = sqlx::query_scalar("SELECT MIN(id) FROM labels WHERE name LIKE 'bench-%'")
            .fetch_one(&running.state.db.pool)
            .await?;
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let list_url = format!("http://{}/api/conversations/list", running.addr);
        let counts_url = format!("http://{}/api/conversations/counts", running.addr);

        // The cursor of page `deep_pages + 1`, walked page by page as a client would.
        let walk = |filter: serde_json::Value| {
            let (client, list_url) = (&client, &list_url);
            async move {
                let mut after = serde_json::Value::Null;
                for _ in 0..options.deep_pages {
                    let res = client
                        .post(list_url)
                        .json(&json!({"tab": "all", "status": "open", "after": after, "filter": filter}))
                        .send()
                        .await?;
                    anyhow::ensure!(res.status().is_success(), "walk: {}", res.status());
                    let page: serde_json::Value = res.json().await?;
                    if page["next"].is_null() {
                        break;
                    }
                    after = page["next"].clone();
                }
                Ok::<_, anyhow::Error>(after)
            }
        };
        let after = walk(json!({})).await?;
        let triage = json!({"label_id": label, "sort": "waiting"});
        let triage_after = walk(triage.clone()).await?;
        let triage_deep =
            json!({"tab": "all", "status": "open", "after": triage_after, "filter": triage});
        let cases = [
            (
                "Todas, first page",
                list_url.as_str(),
                json!({"tab": "all", "status": "open", "after": null}),
            ),
            (
                "tab counts (Mías / Sin asignar / Todas)",
                counts_url.as_str(),
                json!({"status": "open"}),
            ),
            (
                "Todas, page after the deep walk",
                list_url.as_str(),
                json!({"tab": "all", "status": "open", "after": after}),
            ),
            (
                "Mías, first page",
                list_url.as_str(),
                json!({"tab": "mine", "status": "open", "after": null}),
            ),
            (
                "Sin asignar, first page",
                list_url.as_str(),
                json!({"tab": "unassigned", "status": "open", "after": null}),
            ),
            (
                "Todas, one label (a fifth of them), first page",
                list_url.as_str(),
                json!({"tab": "all", "status": "open", "after": null, "filter": {"label_id": label}}),
            ),
            (
                "Todas, one label, waiting longest first, first page",
                list_url.as_str(),
                json!({"tab": "all", "status": "open", "after": null, "filter": {"label_id": label, "sort": "waiting"}}),
            ),
            (
                "the same, after walking the label's pages (deep)",
                list_url.as_str(),
                triage_deep,
            ),
            (
                "Sin asignar, label + priority high, first page",
                list_url.as_str(),
                json!({"tab": "unassigned", "status": "open", "after": null, "filter": {"label_id": label, "priority": "high"}}),
            ),
        ];
        // Ten saved folders of the administrator's, as a lead might keep them.
        let folders_url = format!("http://{}/api/folders/save", running.addr);
        let folder_filters = [
            json!({"label_id": label}),
            json!({"label_id": label, "sort": "waiting"}),
            json!({"priority": "urgent"}),
            json!({"priority": "high", "waiting": true}),
            json!({"waiting": true}),
            json!({"channel": "whatsapp"}),
            json!({"channel": "email", "priority": "low"}),
            json!({"unread": true}),
            json!({"label_id": label, "priority": "medium"}),
            json!({"assignee_id": 2}),
        ];
        for (k, filter) in folder_filters.iter().enumerate() {
            let res = client
                .post(&folders_url)
                .json(&json!({"name": format!("Carpeta {k}"), "tab": if k == 4 { "unassigned" } else { "all" }, "status": "open", "filter": filter}))
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "folder {k}: {}", res.status());
        }
        let folder_counts_url = format!("http://{}/api/folders/counts", running.addr);
        let mut cases = cases.to_vec();
        cases.push((
            "counts of 10 saved folders",
            folder_counts_url.as_str(),
            json!({}),
        ));
        for (label, url, body) in cases {
            let (timings, answer) = time(&client, url, &body, options.samples).await?;
            let shown = answer["items"]
                .as_array()
                .map(|items| format!("{} rows", items.len()))
                .unwrap_or_else(|| answer.to_string());
            rows.push(vec![
                backend.to_owned(),
                format!("{conversations} / {messages}"),
                label.to_owned(),
                shown,
                ms(timings.percentile(50.0)),
                ms(timings.percentile(99.0)),
            ]);
        }
        rows.push(
            bulk_row(
                &client,
                running.addr,
                backend,
                conversations,
                messages,
                options.samples,
            )
            .await?,
        );
        let sizes = format!("{conversations} / {messages}");
        rows.extend(chatwoot::api_rows(&running, backend, &sizes, options.samples).await?);
        rows.extend(chatwoot::filter_rows(&running, backend, &sizes, options.samples).await?);
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!(
        "\n### Conversation list through `POST /api/conversations/list` and `/counts` (administrator; page {} is {} pages deep)\n",
        options.deep_pages + 1,
        options.deep_pages
    );
    table(
        &[
            "database",
            "conversations / messages",
            "request",
            "answer",
            "p50 ms",
            "p99 ms",
        ],
        &rows,
    );
    Ok(())
}
