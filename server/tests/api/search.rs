//! Search (issue 28): messages by words, fragments and phrases, accents and case
//! ignored, newest first in keyset pages, with the list's visibility; filters; a
//! deleted contact's messages gone from the index in the same transaction; an index,
//! never a scan of the messages (the plan is read on both databases).
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::db::Backend as DbBackend;
use app::error::AppError;
use app::search::model::{MessageQuery, MessageResults, QuickResults};

on_both_backends!(
    words_fragments_and_phrases_ignoring_accents,
    only_what_the_agent_may_see,
    pages_filters_and_bad_queries,
    a_deleted_contact_leaves_the_index,
    an_index_serves_the_search,
);

async fn search(app: &TestApp, cookie: &str, query: serde_json::Value) -> MessageResults {
    app.ok(
        cookie,
        "search/messages",
        json!({"query": query, "before": null}),
    )
    .await
}

async fn texts(app: &TestApp, cookie: &str, text: &str) -> Vec<i64> {
    search(app, cookie, json!({"text": text}))
        .await
        .items
        .iter()
        .map(|hit| hit.message_id)
        .collect()
}

/// A new visitor writes to the web chat: her conversation.
async fn customer_writes(app: &TestApp, name: &str, body: &str) -> (i64, i64) {
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": body, "name": name, "email": null}),
        )
        .await;
    (
        app.conversation_of_message(sent.message.id).await,
        sent.message.id,
    )
}

async fn agent_sends(
    app: &TestApp,
    cookie: &str,
    conversation: i64,
    body: &str,
    private: bool,
) -> MessageView {
    app.ok(
        cookie,
        "conversations/send",
        json!({"conversation_id": conversation, "body": body, "private": private,
               "idempotency_key": null, "mentions": []}),
    )
    .await
}

async fn words_fragments_and_phrases_ignoring_accents(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let (conversation, asked) =
        customer_writes(&app, "Clara", "¿Qué pasó con la facturación de marzo?").await;
    let answer = agent_sends(
        &app,
        &lucia.cookie,
        conversation,
        "La Factura 1234 salió el día 3; la facturación ya está corregida.",
        false,
    )
    .await;
    // Accent-free, any case, a fragment inside a word, a number.
    assert_eq!(
        texts(&app, &lucia.cookie, "facturacion").await,
        vec![answer.id, asked]
    );
    assert_eq!(
        texts(&app, &lucia.cookie, "FACTURACIÓN").await,
        vec![answer.id, asked]
    );
    assert_eq!(
        texts(&app, &lucia.cookie, "cturaci").await,
        vec![answer.id, asked]
    );
    assert_eq!(texts(&app, &lucia.cookie, "1234").await, vec![answer.id]);
    // Words anywhere, all of them; a phrase only as written.
    assert_eq!(
        texts(&app, &lucia.cookie, "corregida factura").await,
        vec![answer.id]
    );
    assert_eq!(
        texts(&app, &lucia.cookie, "\"factura 1234\"").await,
        vec![answer.id]
    );
    assert!(texts(&app, &lucia.cookie, "\"1234 factura\"")
        .await
        .is_empty());
    assert!(texts(&app, &lucia.cookie, "facturacion inexistentezz")
        .await
        .is_empty());

    // The hit: where it is, who wrote it, the match marked in the original text.
    let found = search(&app, &lucia.cookie, json!({"text": "facturacion"})).await;
    let hit = &found.items[1];
    assert_eq!(hit.conversation_id, conversation);
    assert!(hit.from_customer);
    assert_eq!(hit.sender_name.as_deref(), Some("Clara"));
    let marked: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|f| f.hit)
        .map(|f| f.text.as_str())
        .collect();
    assert_eq!(marked, ["facturación"]);
    assert_eq!(found.next, None);

    // The quick results: the conversation by its number, the contact, the messages.
    let display_id: i64 = sqlx::query_scalar("SELECT display_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let quick: QuickResults = app
        .ok(
            &lucia.cookie,
            "search/quick",
            json!({"text": format!("#{display_id}")}),
        )
        .await;
    assert_eq!(quick.conversations.len(), 1);
    assert_eq!(quick.conversations[0].id, conversation);
    let quick: QuickResults = app
        .ok(&lucia.cookie, "search/quick", json!({"text": "carlos"}))
        .await;
    assert!(quick.contacts.iter().any(|c| c.name == "Carlos Pérez"));
    let quick: QuickResults = app
        .ok(
            &lucia.cookie,
            "search/quick",
            json!({"text": "facturacion"}),
        )
        .await;
    assert_eq!(quick.messages.len(), 2);
}

async fn only_what_the_agent_may_see(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let admin = app.sign_in(ADMIN).await;
    // A WhatsApp conversation: Lucía works that inbox, Marcos does not.
    let whatsapp: i64 = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = 'whatsapp' ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let note = agent_sends(
        &app,
        &lucia.cookie,
        whatsapp,
        "Nota: reembolso aprobado",
        true,
    )
    .await;
    assert_eq!(texts(&app, &lucia.cookie, "reembolso").await, vec![note.id]);
    assert_eq!(texts(&app, &admin.cookie, "reembolso").await, vec![note.id]);
    assert!(texts(&app, &marcos.cookie, "reembolso").await.is_empty());
    // Notes: found among notes, left out without them.
    let only = search(
        &app,
        &lucia.cookie,
        json!({"text": "reembolso", "notes": "only_notes"}),
    )
    .await;
    assert_eq!(only.items.len(), 1);
    assert!(only.items[0].private);
    let none = search(
        &app,
        &lucia.cookie,
        json!({"text": "reembolso", "notes": "no_notes"}),
    )
    .await;
    assert!(none.items.is_empty());
    // Activity lines are not searched (an assignment names the agent).
    let _: app::conversations::model::ConversationSummary = app
        .ok(
            &admin.cookie,
            "conversations/assign",
            json!({"id": whatsapp, "assignee_id": app.agent_id(LUCIA).await}),
        )
        .await;
    assert!(texts(&app, &admin.cookie, "→ Lucía").await.is_empty());
}

async fn pages_filters_and_bad_queries(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let (conversation, first) = customer_writes(&app, "Pablo", "pedido número 0").await;
    let mut sent = vec![first];
    for k in 1..25 {
        sent.push(
            agent_sends(
                &app,
                &lucia.cookie,
                conversation,
                &format!("pedido número {k}"),
                false,
            )
            .await
            .id,
        );
    }
    sent.reverse();
    // Newest first, 20 a page, then the rest after the last one shown.
    let page = search(&app, &lucia.cookie, json!({"text": "pedido"})).await;
    let ids: Vec<i64> = page.items.iter().map(|h| h.message_id).collect();
    assert_eq!(ids, sent[..20]);
    let rest: MessageResults = app
        .ok(
            &lucia.cookie,
            "search/messages",
            json!({"query": {"text": "pedido"}, "before": page.next}),
        )
        .await;
    let ids: Vec<i64> = rest.items.iter().map(|h| h.message_id).collect();
    assert_eq!(ids, sent[20..]);
    assert_eq!(rest.next, None);

    // Who wrote it.
    let customer = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "sender": "customer"}),
    )
    .await;
    assert_eq!(customer.items.len(), 1);
    assert_eq!(customer.items[0].message_id, first);
    let agents = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "sender": "agents"}),
    )
    .await;
    assert!(agents.items.iter().all(|h| !h.from_customer));
    let lucia_id = app.agent_id(LUCIA).await;
    let hers = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "agent_id": lucia_id}),
    )
    .await;
    assert_eq!(hers.items.len(), 20);
    // Dates, channel, inbox.
    let now = app::db::now_ms();
    let past = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "until": now - 3_600_000}),
    )
    .await;
    assert!(past.items.is_empty());
    let today = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "since": now - 3_600_000}),
    )
    .await;
    assert_eq!(today.items.len(), 20);
    let email = search(
        &app,
        &lucia.cookie,
        json!({"text": "pedido", "channel": "email"}),
    )
    .await;
    assert!(email.items.is_empty());

    // Too short to look up, or nothing: a clear error, nothing else.
    for text in ["", "de", "a b"] {
        let res = app
            .call_json(
                Some(&lucia.cookie),
                "search/messages",
                json!({"query": MessageQuery { text: text.into(), ..Default::default() }, "before": null}),
            )
            .await;
        assert_eq!(res.status(), 422, "{text:?}");
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation("q", "query_too_short")
        );
    }
    // Quotes and operators are text, never syntax.
    for text in [
        "\"pedido",
        "pedido\"\"",
        "pedido OR x",
        "ped*",
        "NEAR(pedido)",
        "pe%do",
        "pe_ido",
    ] {
        let res = app
            .call_json(
                Some(&lucia.cookie),
                "search/messages",
                json!({"query": {"text": text}, "before": null}),
            )
            .await;
        assert_eq!(res.status(), 200, "{text:?}");
    }
    assert!(texts(&app, &lucia.cookie, "pe%do").await.is_empty());
}

async fn a_deleted_contact_leaves_the_index(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let (conversation, _) =
        customer_writes(&app, "Borrar Pronto", "mi clave secreta zanahoria").await;
    assert_eq!(texts(&app, &admin.cookie, "zanahoria").await.len(), 1);
    let contact: i64 = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let _: () = app
        .ok(
            &admin.cookie,
            "contacts/delete",
            json!({"id": contact, "confirmation": "Borrar Pronto"}),
        )
        .await;
    assert!(texts(&app, &admin.cookie, "zanahoria").await.is_empty());
    if app.state.db.backend == DbBackend::Sqlite {
        // Gone from the index itself, not only hidden by the join.
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH '\"zanahoria\"'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(left, 0);
    }
}

/// The trigram index serves the very condition the search writes (same function, same
/// partial predicate), so the planner can take it.
async fn the_trigram_index_matches_the_condition(app: &TestApp) {
    let mut tx = app.state.db.pool.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .unwrap();
    let lines: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT m.id FROM messages m WHERE charla_fold(m.body) LIKE $1 AND m.direction <> 'activity'",
    )
    .bind("%factura%")
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let joined = lines.join("\n");
    assert!(joined.contains("messages_search_trgm_idx"), "{joined}");
    tx.rollback().await.unwrap();
}

async fn an_index_serves_the_search(app: TestApp) {
    if app.state.db.backend == DbBackend::Postgres {
        the_trigram_index_matches_the_condition(&app).await;
    }
    let admin = app.sign_in(ADMIN).await;
    let viewer = app::auth::permission::Viewer {
        account_id: 1,
        agent_id: app.agent_id(ADMIN).await,
        admin: true,
    };
    let _ = admin;
    for text in ["factura", "\"mi pedido\"", "facturacion marzo"] {
        let query = MessageQuery {
            text: text.into(),
            since: Some(0),
            ..Default::default()
        };
        let plan = app::search::ssr::plan(&app.state.db, viewer, &query)
            .await
            .unwrap();
        let joined = plan.join("\n");
        match app.state.db.backend {
            DbBackend::Sqlite => {
                assert!(joined.contains("VIRTUAL TABLE INDEX"), "{joined}");
                assert!(
                    !plan.iter().any(|l| {
                        let l = l.trim();
                        l == "SCAN m" || l.starts_with("SCAN m ")
                    }),
                    "a scan of the messages:\n{joined}"
                );
            }
            DbBackend::Postgres => {
                // Which way the planner goes depends on the data (a rare word through
                // the trigram index, a common one along the newest ids): never a scan.
                assert!(!joined.contains("Seq Scan on messages"), "{joined}");
            }
        }
    }
}
