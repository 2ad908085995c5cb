//! Contacts: the save rule and uniqueness, search semantics and keyset pages, CSV
//! import/export, starting conversations, the routing rule, and deletion as the only
//! purge (no delete route for conversations or messages; nothing left behind).
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::contacts::model::{ContactPage, ContactRow, HistoryPage, ImportReport, InboxChoice};
use app::conversations::model::{ConversationSummary, MessageExtra, MessagePage};
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};

on_both_backends!(
    a_contact_needs_an_email_or_a_phone_and_each_is_unique,
    search_ignores_case_accents_and_phone_format,
    search_uses_an_index,
    common_fragments_page_like_rare_ones,
    pages_follow_the_sort_without_repeats,
    csv_import_is_all_or_nothing_and_export_reads_back,
    new_conversations_check_inbox_recipient_and_template,
    customers_write_into_the_newest_conversation,
    no_route_deletes_conversations_or_messages,
    deleting_a_contact_leaves_nothing_behind,
);

fn input(name: &str, email: &str, phone: &str) -> Value {
    json!({"name": name, "email": email, "phone": phone, "company": ""})
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn refused(app: &TestApp, cookie: &str, endpoint: &str, body: Value) -> (u16, AppError) {
    let res = app.call_json(Some(cookie), endpoint, body).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let err = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint}: {e}: {text}"));
    (status, err)
}

async fn search(app: &TestApp, cookie: &str, query: &str) -> Vec<String> {
    let page: ContactPage = app
        .ok(
            cookie,
            "contacts/list",
            json!({"query": query, "sort": "name", "after": null}),
        )
        .await;
    page.items.into_iter().map(|c| c.name).collect()
}

/// Adds `count` contacts named `<prefix> <n>` (search text the same, lower case).
async fn add_many(app: &TestApp, prefix: &str, count: usize) {
    sqlx::query(&format!(
        "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {count}) \
         INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
         SELECT 1, '{prefix} ' || i, '{tag}' || i || '@example.com', '{prefix} ' || i, '{prefix} ' || i, i, 1, 1 FROM g",
        tag = prefix.replace(' ', ".")
    ))
    .execute(&app.state.db.pool)
    .await
    .unwrap();
}

/// On SQLite a fragment found in thousands of contacts is served by reading the sort
/// index (and the trigram index when its matches sort late): both must page exactly
/// as the plain definition says.
async fn common_fragments_page_like_rare_ones(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    add_many(&app, "aaa relleno", 3_000).await;
    add_many(&app, "mmm comun", 2_100).await; // common, early: within the walk
    add_many(&app, "zzz tardio", 2_100).await; // common, after 5,000 others: the index
    for fragment in ["comun", "tardio", "relleno 12"] {
        // Every word of the query, anywhere in the contact.
        let words = fragment
            .split_whitespace()
            .map(|w| format!("search_text LIKE '%{w}%'"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let expected: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT name FROM contacts WHERE account_id = 1 AND {words} ORDER BY sort_name, id LIMIT 100"
        ))
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(expected.len(), 100, "{fragment}");
        let first: ContactPage = app
            .ok(
                &lucia.cookie,
                "contacts/list",
                json!({"query": fragment, "sort": "name", "after": null}),
            )
            .await;
        let second: ContactPage = app
            .ok(
                &lucia.cookie,
                "contacts/list",
                json!({"query": fragment, "sort": "name", "after": first.next}),
            )
            .await;
        let got: Vec<String> = first
            .items
            .into_iter()
            .chain(second.items)
            .map(|c| c.name)
            .collect();
        assert_eq!(got, expected, "{fragment}");
    }
}

async fn a_contact_needs_an_email_or_a_phone_and_each_is_unique(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let before = count(&app, "SELECT COUNT(*) FROM contacts").await;
    let save = |id: Option<i64>, body: Value| json!({"id": id, "input": body});

    let (status, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(None, input("Ana", " ", "")),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        err,
        AppError::validation("email", "email_or_phone_required")
    );
    let (_, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(None, input("Ana", "ana@", "")),
    )
    .await;
    assert_eq!(err, AppError::validation("email", "invalid"));
    // The right shape, but not a number in Spain's numbering plan.
    let (_, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(None, input("Ana", "", "000 000 000")),
    )
    .await;
    assert_eq!(err, AppError::validation("phone", "invalid"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM contacts").await,
        before,
        "nothing saved"
    );

    let ana: ContactRow = app
        .ok(
            &lucia.cookie,
            "contacts/save",
            save(None, input(" Ana Núñez ", "", "600 11 22 33")),
        )
        .await;
    assert_eq!(ana.phone.as_deref(), Some("+34600112233"));
    assert_eq!(ana.name, "Ana Núñez");

    // The same phone typed differently, and a seeded email in other case, are taken.
    let (status, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(None, input("Otra", "", "+34 600-112-233")),
    )
    .await;
    assert_eq!(
        (status, err),
        (
            409,
            AppError::Conflict {
                field: "phone".into()
            }
        )
    );
    let (_, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(None, input("Otra", "Jose.Martinez@Example.com", "")),
    )
    .await;
    assert_eq!(
        err,
        AppError::Conflict {
            field: "email".into()
        }
    );
    // Editing into someone else's email is refused too; a free one is saved.
    let (_, err) = refused(
        &app,
        &lucia.cookie,
        "contacts/save",
        save(
            Some(ana.id),
            input("Ana Núñez", "sofia@example.org", "600 11 22 33"),
        ),
    )
    .await;
    assert_eq!(
        err,
        AppError::Conflict {
            field: "email".into()
        }
    );
    let edited: ContactRow = app
        .ok(
            &lucia.cookie,
            "contacts/save",
            save(Some(ana.id), json!({"name": "Ana Núñez", "email": "ana@example.com", "phone": "600112233", "company": "Luz"})),
        )
        .await;
    assert_eq!(edited.email.as_deref(), Some("ana@example.com"));
    assert_eq!(edited.company.as_deref(), Some("Luz"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM contacts").await,
        before + 1
    );
    // Not signed in: nothing.
    let res = app
        .call_json(
            None,
            "contacts/save",
            save(None, input("X", "x@example.com", "")),
        )
        .await;
    assert_eq!(res.status(), 401);
}

async fn search_ignores_case_accents_and_phone_format(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let _: ContactRow = app
        .ok(&lucia.cookie, "contacts/save", json!({"id": null, "input": input("Ángela Núñez", "angela@tienda.es", "+34 655 44 33 22")}))
        .await;
    for query in [
        "angela",
        "ÁNGELA",
        "nuñ",
        "nun",
        "ela nu",
        "angela@tien",
        "655 44",
        "+34 655-443",
        "0034655443322",
        "(655) 44 33 22",
    ] {
        assert_eq!(
            search(&app, &lucia.cookie, query).await,
            ["Ángela Núñez"],
            "{query}"
        );
    }
    assert_eq!(search(&app, &lucia.cookie, "jose").await, ["José Martínez"]);
    assert_eq!(
        search(&app, &lucia.cookie, "612 345").await,
        ["José Martínez"]
    );
    assert_eq!(
        search(&app, &lucia.cookie, "gonzalez@exa").await,
        ["María González"]
    );
    // Short fragments match the start of the name.
    assert_eq!(
        search(&app, &lucia.cookie, "an").await,
        ["Andrés López", "Ángela Núñez"]
    );
    assert!(search(&app, &lucia.cookie, "zzzz").await.is_empty());
    // Search syntax in the query is taken literally.
    for hostile in ["\"", "a\" OR \"b", "%%%", "_", "NEAR(", "*"] {
        assert!(
            search(&app, &lucia.cookie, hostile).await.is_empty(),
            "{hostile}"
        );
    }
    assert_eq!(search(&app, &lucia.cookie, "").await.len(), 6);
}

async fn pages_follow_the_sort_without_repeats(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let mut csv = String::from("name,email\n");
    for i in 0..130 {
        // Equal names force the id tie-breaker.
        csv.push_str(&format!("Cliente {:02},cliente{i}@example.com\n", i % 40));
    }
    let report = import(&app, &lucia.cookie, &csv).await;
    assert_eq!(report.imported, 130);
    for (sort, query) in [
        ("name", ""),
        ("activity", ""),
        ("name", "cliente"),
        ("activity", "CLIENTE"),
    ] {
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page: ContactPage = app
                .ok(
                    &lucia.cookie,
                    "contacts/list",
                    json!({"query": query, "sort": sort, "after": after}),
                )
                .await;
            seen.extend(page.items);
            match page.next {
                Some(next) => after = serde_json::to_value(next).unwrap(),
                None => break,
            }
        }
        let ids: std::collections::HashSet<i64> = seen.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), seen.len(), "{sort} {query}: no repeats");
        let expected = if query.is_empty() { 135 } else { 130 };
        assert_eq!(seen.len(), expected, "{sort} {query}: none skipped");
        if sort == "name" {
            // The server's order is the stored sort key, then id.
            let mut keys = Vec::new();
            for c in &seen {
                let key: String =
                    sqlx::query_scalar("SELECT sort_name FROM contacts WHERE id = $1")
                        .bind(c.id)
                        .fetch_one(&app.state.db.pool)
                        .await
                        .unwrap();
                keys.push((key, c.id));
            }
            assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "{sort} {query}: ordered"
            );
            assert_eq!(
                keys[0].0,
                if query.is_empty() {
                    "andres lopez"
                } else {
                    "cliente 00"
                }
            );
        } else {
            assert!(seen
                .windows(2)
                .all(|w| (w[0].last_activity_at, w[0].id) > (w[1].last_activity_at, w[1].id)));
        }
    }
}

async fn import(app: &TestApp, cookie: &str, csv: &str) -> ImportReport {
    let res = client()
        .post(app.url("/api/contacts/import"))
        .header("cookie", cookie)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap()
}

async fn csv_import_is_all_or_nothing_and_export_reads_back(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let before = count(&app, "SELECT COUNT(*) FROM contacts").await;
    let bad = "Nombre,Correo electrónico,Teléfono,Empresa\n\
               Luis,luis@example.com,,Acme\n\
               Sin datos,,,\n\
               Repetido,luis@example.com,,\n\
               Mal,,abc,\n\
               Ya existe,jose.martinez@example.com,,\n";
    let report = import(&app, &lucia.cookie, bad).await;
    assert_eq!(report.imported, 0);
    let lines: Vec<(u64, &str, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (3, "email", "email_or_phone_required"),
            (4, "email", "duplicate_in_file"),
            (5, "phone", "invalid"),
        ],
        "rows checked against the account only once the file itself is clean"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM contacts").await,
        before,
        "nothing imported"
    );
    let report = import(&app, &lucia.cookie, "email\njose.martinez@example.com\n").await;
    assert_eq!(report.errors[0].code, "taken");
    let report = import(&app, &lucia.cookie, "name,notes\nAna,x\n").await;
    assert_eq!(report.errors[0].code, "missing_columns");

    let good = "\u{feff}name,email,phone,company\n\
                Luis,luis@example.com,,Acme\n\
                \"=HYPERLINK(\"\"x\"\")\",,'+34 611 22 33 44,\n\
                \n\
                Pilar,,611 99 88 77,\n";
    let report = import(&app, &lucia.cookie, good).await;
    assert_eq!((report.imported, report.errors.len()), (3, 0));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM contacts").await,
        before + 3
    );

    let res = client()
        .get(app.url("/api/contacts/export.csv"))
        .header("cookie", &lucia.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("name,email,phone,company,created_at,last_activity_at")
    );
    assert_eq!(lines.count() as i64, before + 3);
    assert!(text.contains("Luis,luis@example.com,,Acme,"));
    // Formulas are neutralised for spreadsheets, and read back by the importer.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"x\"\")\",,'+34611223344,"),
        "{text}"
    );
    assert!(text.contains("Pilar,,'+34611998877,"));
    let res = client()
        .get(app.url("/api/contacts/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn options(app: &TestApp, cookie: &str, contact: i64) -> Vec<InboxChoice> {
    app.ok(cookie, "contacts/start_options", json!({"id": contact}))
        .await
}

async fn contact_named(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM contacts WHERE name = $1")
        .bind(name)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn new_conversations_check_inbox_recipient_and_template(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let jose = contact_named(&app, "José Martínez").await;
    // Lucía works WhatsApp (not email); Marcos email (not WhatsApp).
    let lucia_options = options(&app, &lucia.cookie, jose).await;
    assert_eq!(lucia_options.len(), 1);
    let whatsapp = &lucia_options[0];
    assert_eq!(whatsapp.to.as_deref(), Some("+34612345678"));
    assert_eq!(
        whatsapp.templates.len(),
        2,
        "approved, non-authentication templates"
    );
    let marcos_options = options(&app, &marcos.cookie, jose).await;
    let email = &marcos_options[0];
    assert_eq!(email.to.as_deref(), Some("jose.martinez@example.com"));
    let web_inbox: i64 = count(
        &app,
        "SELECT id FROM inboxes WHERE channel_kind = 'web_chat'",
    )
    .await;

    // Templates that are not approved, or AUTHENTICATION, are never offered or accepted.
    sqlx::query(
        "UPDATE whatsapp_templates SET status = 'REJECTED' WHERE name = 'retomar_conversacion'",
    )
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let rejected: i64 = count(
        &app,
        "SELECT id FROM whatsapp_templates WHERE name = 'retomar_conversacion'",
    )
    .await;
    let order: i64 = count(
        &app,
        "SELECT id FROM whatsapp_templates WHERE name = 'seguimiento_pedido'",
    )
    .await;
    assert_eq!(
        options(&app, &lucia.cookie, jose).await[0].templates.len(),
        1
    );

    let before = count(&app, "SELECT COUNT(*) FROM conversations").await;
    let start = |inbox: i64, to: &str, first: Value| json!({"contact_id": jose, "inbox_id": inbox, "to": to, "first": first});
    let template =
        |id: i64, params: Value| json!({"kind": "template", "template_id": id, "params": params});
    let mail =
        |subject: &str, body: &str| json!({"kind": "email", "subject": subject, "body": body});
    for (cookie, body, expected) in [
        (
            &lucia.cookie,
            start(
                whatsapp.id,
                "+34612345678",
                template(rejected, json!(["Ana"])),
            ),
            AppError::validation("template_id", "invalid"),
        ),
        (
            &lucia.cookie,
            start(
                whatsapp.id,
                "+34612345678",
                template(order, json!(["José", " "])),
            ),
            AppError::validation("params.2", "required"),
        ),
        (
            &lucia.cookie,
            start(whatsapp.id, "12", template(order, json!(["José", "A-1"]))),
            AppError::validation("to", "invalid"),
        ),
        (
            &lucia.cookie,
            start(whatsapp.id, "+34612345678", mail("Hola", "Texto libre")),
            AppError::validation("message", "invalid"),
        ),
        (
            &lucia.cookie,
            start(email.id, "jose.martinez@example.com", mail("Hola", "x")),
            AppError::NotFound,
        ),
        (
            &lucia.cookie,
            start(web_inbox, "jose.martinez@example.com", mail("Hola", "x")),
            AppError::NotFound,
        ),
        (
            &marcos.cookie,
            start(email.id, "jose@", mail("Hola", "x")),
            AppError::validation("to", "invalid"),
        ),
        (
            &marcos.cookie,
            start(email.id, "jose.martinez@example.com", mail(" ", "x")),
            AppError::validation("subject", "required"),
        ),
        (
            &marcos.cookie,
            start(email.id, "jose.martinez@example.com", mail("Hola", " ")),
            AppError::validation("body", "required"),
        ),
        // Someone else's address.
        (
            &marcos.cookie,
            start(email.id, "sofia@example.org", mail("Hola", "x")),
            AppError::Conflict { field: "to".into() },
        ),
    ] {
        let res = app.call_json(Some(cookie), "contacts/start", body).await;
        let text = res.text().await.unwrap();
        assert_eq!(
            serde_json::from_str::<AppError>(&text).unwrap(),
            expected,
            "{text}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM conversations").await,
        before,
        "nothing created"
    );

    let marcos_id = app.agent_id(MARCOS).await;
    let started: ConversationSummary = app
        .ok(
            &marcos.cookie,
            "contacts/start",
            start(
                email.id,
                "jose.martinez@example.com",
                mail("Tu pedido", "Hola José, ya está listo."),
            ),
        )
        .await;
    assert_eq!(started.assignee_id, Some(marcos_id));
    assert_eq!(started.contact_id, jose);
    let subject: Option<String> =
        sqlx::query_scalar("SELECT subject FROM conversations WHERE id = $1")
            .bind(started.id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(subject.as_deref(), Some("Tu pedido"));
    let page: MessagePage = app
        .ok(
            &marcos.cookie,
            "conversations/messages",
            json!({"id": started.id, "before": null}),
        )
        .await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].body, "Hola José, ya está listo.");
    assert_eq!(
        page.items[0].extra,
        Some(MessageExtra::Email {
            subject: "Tu pedido".into(),
            quoted: None,
            html: None,
        })
    );
    let queued: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE message_id = $1 AND channel_kind = 'email'",
    )
    .bind(page.items[0].id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(queued, 1, "queued for the email channel");

    let started: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "contacts/start",
            start(
                whatsapp.id,
                "612 34 56 78",
                template(order, json!(["José", "A-17"])),
            ),
        )
        .await;
    let page: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": started.id, "before": null}),
        )
        .await;
    assert_eq!(
        page.items[0].body,
        "Hola José, tu pedido A-17 ya está en camino."
    );
    assert!(
        matches!(&page.items[0].extra, Some(MessageExtra::Template { name, params, .. })
        if name == "seguimiento_pedido" && params == &["José".to_owned(), "A-17".to_owned()])
    );
    // The contact's history shows both, newest first.
    let history: HistoryPage = app
        .ok(
            &marcos.cookie,
            "contacts/history",
            json!({"id": jose, "after": null}),
        )
        .await;
    assert!(
        history
            .items
            .iter()
            .all(|c| c.channel != app::domain::ChannelKind::WhatsApp),
        "only inboxes Marcos sees"
    );
    let admin = app.sign_in(ADMIN).await;
    let history: HistoryPage = app
        .ok(
            &admin.cookie,
            "contacts/history",
            json!({"id": jose, "after": null}),
        )
        .await;
    assert_eq!(history.items.len(), 3);
    assert_eq!(history.items[0].id, started.id);
}

async fn customers_write_into_the_newest_conversation(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let carlos = contact_named(&app, "Carlos Pérez").await;
    let whatsapp: i64 = count(
        &app,
        "SELECT id FROM inboxes WHERE channel_kind = 'whatsapp'",
    )
    .await;
    let old: i64 = sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id = $1")
        .bind(carlos)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let order: i64 = count(
        &app,
        "SELECT id FROM whatsapp_templates WHERE name = 'seguimiento_pedido'",
    )
    .await;
    let new: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "contacts/start",
            json!({"contact_id": carlos, "inbox_id": whatsapp, "to": "+52 55 1234 5678",
                   "first": {"kind": "template", "template_id": order, "params": ["Carlos", "B-2"]}}),
        )
        .await;
    // The older conversation keeps its state and history, with a pointer to the new one.
    let old_page: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": old, "before": null}),
        )
        .await;
    let last = old_page.items.last().unwrap();
    assert_eq!(
        last.extra,
        Some(MessageExtra::ContinuedIn {
            conversation_id: new.id,
            display_id: new.display_id
        })
    );
    let status: String = sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1")
        .bind(old)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "open");

    // A later customer message goes to the newest conversation...
    let route = || async {
        let mut tx = app.state.db.begin_write().await.unwrap();
        let id = app::conversations::ssr::routing::conversation_for_inbound(
            &mut tx, 1, whatsapp, carlos, None,
        )
        .await
        .unwrap()
        .id;
        app.state.hub.commit(tx).await.unwrap();
        id
    };
    assert_eq!(route().await, new.id);
    // ...and once that one is resolved, never back to the older open one: a new one
    // opens (the inbox's default), which then receives from now on.
    let resolve = |id: i64| {
        let cookie = lucia.cookie.clone();
        let app = &app;
        async move {
            let _: ConversationSummary = app
                .ok(
                    &cookie,
                    "conversations/status",
                    json!({"id": id, "status": "resolved", "snoozed_until": null}),
                )
                .await;
        }
    };
    resolve(new.id).await;
    let fresh = route().await;
    assert!(
        fresh != old && fresh != new.id,
        "{fresh} is a new conversation"
    );
    assert_eq!(route().await, fresh);
    // Resolving the older one changes nothing for the newest.
    resolve(old).await;
    assert_eq!(route().await, fresh);

    // An inbox set to reopen: the resolved newest takes the message back.
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_inbox_routing",
            json!({"id": whatsapp, "reopen_resolved": true}),
        )
        .await;
    let reopen: bool = app
        .ok(&admin.cookie, "team/inbox_routing", json!({"id": whatsapp}))
        .await;
    assert!(reopen);
    resolve(fresh).await;
    assert_eq!(route().await, fresh, "the resolved newest is reopened");
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_inbox_routing",
            json!({"id": whatsapp, "reopen_resolved": false}),
        )
        .await;

    // The web widget follows the same rule: after "resolved", a new conversation.
    let token = app.web_chat_token().await;
    let sent: app::widget::WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": "Eva", "email": null}),
        )
        .await;
    let first = app.conversation_of_message(sent.message.id).await;
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/status",
            json!({"id": first, "status": "resolved", "snoozed_until": null}),
        )
        .await;
    let again: app::widget::WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": sent.visitor, "body": "Otra pregunta", "name": null, "email": null}))
        .await;
    let second = app.conversation_of_message(again.message.id).await;
    assert_ne!(first, second);
    let status: String = sqlx::query_scalar("SELECT status FROM conversations WHERE id = $1")
        .bind(first)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "resolved", "the older conversation stays as it was");
}

async fn no_route_deletes_conversations_or_messages(app: TestApp) {
    // Every server function, by path: only the contact deletion deletes anything.
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(paths.len() > 10, "{paths:?}");
    let deleting: Vec<&String> = paths
        .iter()
        .filter(|p| {
            ["delete", "remove", "purge", "erase", "destroy"]
                .iter()
                .any(|w| p.contains(w))
        })
        .collect();
    // Each one reviewed: a contact (S13), a canned response, a label (which leaves
    // the conversations that had it) a saved folder (a filter, no conversation in
    // it), a team (its conversations stay, without one), a webhook (its delivery
    // log goes with it), an agent bot (emptied: its messages keep its name) and an
    // automation rule or a macro (what they did stays in the activity), a custom
    // attribute's definition (its values stay), a note on a contact (the team's text,
    // not the customer's); never a conversation or message.
    let mut deleting = deleting;
    deleting.sort();
    assert_eq!(
        deleting,
        [
            &"/api/attributes/remove".to_owned(),
            &"/api/automation/remove".to_owned(),
            &"/api/bots/remove".to_owned(),
            &"/api/canned/remove".to_owned(),
            &"/api/contacts/delete".to_owned(),
            &"/api/contacts/remove_note".to_owned(),
            &"/api/folders/remove".to_owned(),
            &"/api/labels/remove".to_owned(),
            &"/api/macros/remove".to_owned(),
            &"/api/teams/remove".to_owned(),
            &"/api/webhooks/remove".to_owned()
        ]
    );

    let admin = app.sign_in(ADMIN).await;
    let conversation: i64 = count(&app, "SELECT MIN(id) FROM conversations").await;
    let message: i64 = count(&app, "SELECT MIN(id) FROM messages").await;
    let before = (
        count(&app, "SELECT COUNT(*) FROM conversations").await,
        count(&app, "SELECT COUNT(*) FROM messages").await,
    );
    for (method, path) in [
        (
            reqwest::Method::DELETE,
            format!("/api/conversations/{conversation}"),
        ),
        (reqwest::Method::DELETE, format!("/api/messages/{message}")),
        (
            reqwest::Method::POST,
            "/api/conversations/delete".to_owned(),
        ),
        (reqwest::Method::POST, "/api/messages/delete".to_owned()),
        (reqwest::Method::DELETE, "/api/conversations/get".to_owned()),
    ] {
        let res = client()
            .request(method.clone(), app.url(&path))
            .header("cookie", &admin.cookie)
            .json(&json!({"id": conversation, "message_id": message}))
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 404 | 405),
            "{method} {path}: {}",
            res.status()
        );
    }
    let after = (
        count(&app, "SELECT COUNT(*) FROM conversations").await,
        count(&app, "SELECT COUNT(*) FROM messages").await,
    );
    assert_eq!(before, after);
}

async fn deleting_a_contact_leaves_nothing_behind(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let jose = contact_named(&app, "José Martínez").await;
    let conversation: i64 =
        sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id = $1")
            .bind(jose)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    // A note mentioning Marcos (a notification), and a stored file.
    let marcos_id = app.agent_id(MARCOS).await;
    let note: app::conversations::model::MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": "@Marcos Ruiz mira esto", "private": true, "idempotency_key": null, "mentions": [marcos_id]}),
        )
        .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 1);
    std::fs::create_dir_all(app.files.path().join("1")).unwrap();
    let file = app.files.path().join("1/factura.pdf");
    std::fs::write(&file, b"%PDF-1.4").unwrap();
    sqlx::query(
        "INSERT INTO attachments (account_id, message_id, file_name, content_type, byte_size, storage_key, created_at) \
         VALUES (1, $1, 'factura.pdf', 'application/pdf', 8, '1/factura.pdf', 0)",
    )
    .bind(note.id)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    let snapshot = || async {
        let mut counts = Vec::new();
        for sql in [
            "SELECT COUNT(*) FROM contacts",
            "SELECT COUNT(*) FROM conversations",
            "SELECT COUNT(*) FROM messages",
            "SELECT COUNT(*) FROM attachments",
        ] {
            counts.push(count(&app, sql).await);
        }
        counts
    };
    let before = snapshot().await;

    // Agents are not offered deletion, and the server refuses them.
    let detail: Value = app
        .ok(&lucia.cookie, "contacts/get", json!({"id": jose}))
        .await;
    assert_eq!(detail["can_delete"], false);
    let (status, _) = refused(
        &app,
        &lucia.cookie,
        "contacts/delete",
        json!({"id": jose, "confirmation": "José Martínez"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, err) = refused(
        &app,
        &admin.cookie,
        "contacts/delete",
        json!({"id": jose, "confirmation": "jose"}),
    )
    .await;
    assert_eq!(
        (status, err),
        (422, AppError::validation("confirmation", "mismatch"))
    );
    assert_eq!(snapshot().await, before, "refusals change nothing");
    assert!(file.exists());

    let _: () = app
        .ok(
            &admin.cookie,
            "contacts/delete",
            json!({"id": jose, "confirmation": " José Martínez "}),
        )
        .await;
    let conversation_ids = format!("({conversation})");
    for (table, filter) in [
        ("contacts", format!("id = {jose}")),
        ("contact_identities", format!("contact_id = {jose}")),
        ("conversations", format!("contact_id = {jose}")),
        ("messages", format!("conversation_id IN {conversation_ids}")),
        ("mentions", format!("message_id = {}", note.id)),
        ("notifications", format!("conversation_id IN {conversation_ids}")),
        ("attachments", format!("message_id = {}", note.id)),
        ("outbox", format!("message_id IN (SELECT id FROM messages WHERE conversation_id IN {conversation_ids})")),
        ("conversation_reads", format!("conversation_id IN {conversation_ids}")),
        ("events", format!("conversation_id IN {conversation_ids}")),
        ("file_deletions", "1 = 1".to_owned()),
    ] {
        let left = count(&app, &format!("SELECT COUNT(*) FROM {table} WHERE {filter}")).await;
        assert_eq!(left, 0, "{table}");
    }
    assert!(!file.exists(), "the stored file is removed");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 0);
    // The audit entry: who, which id, when; no personal data.
    let (actor, subject, action): (i64, i64, String) =
        sqlx::query_as("SELECT actor_agent_id, subject_id, action FROM audit_log")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (actor, subject, action.as_str()),
        (app.agent_id(ADMIN).await, jose, "contact.deleted")
    );
    // Lucía's open list drops the conversation live.
    let ServerFrame::Event(envelope) = next_frame(&mut socket).await else {
        panic!("expected an event");
    };
    assert!(
        matches!(envelope.event, LiveEvent::ConversationDeleted { conversation_id, .. } if conversation_id == conversation)
    );
    let (status, _) = refused(&app, &admin.cookie, "contacts/get", json!({"id": jose})).await;
    assert_eq!(status, 404);
}

/// Search is served by an index on both databases (FTS5 trigram / pg_trgm GIN; the name
/// B-tree for one- and two-character fragments), never by scanning the contacts.
async fn search_uses_an_index(app: TestApp) {
    use app::contacts::model::ContactSort;
    use app::contacts::ssr::search::plan;
    use app::domain::ContactQuery;
    let sqlite = app.state.db.backend == app::db::Backend::Sqlite;
    // A book big enough for the planner's statistics to matter.
    let fill = if sqlite {
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
         INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
         SELECT 1, 'Persona ' || i, 'p' || i || '@example.net', 'persona ' || i || ' p' || i || '@example.net', \
         'persona ' || i, i, i, i FROM n"
    } else {
        "INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
         SELECT 1, 'Persona ' || i, 'p' || i || '@example.net', 'persona ' || i || ' p' || i || '@example.net', \
         'persona ' || i, i, i, i FROM generate_series(1, 100000) AS i"
    };
    sqlx::query(fill).execute(&app.state.db.pool).await.unwrap();
    sqlx::query("ANALYZE")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for (text, index) in [
        (
            "jose",
            if sqlite {
                "contacts_fts"
            } else {
                "contacts_search_trgm_idx"
            },
        ),
        (
            "612 345",
            if sqlite {
                "contacts_fts"
            } else {
                "contacts_search_trgm_idx"
            },
        ),
        ("jo", "contacts_sort_name_idx"),
    ] {
        let query = ContactQuery::parse(text).unwrap();
        for sort in [ContactSort::Name, ContactSort::Activity] {
            let steps = plan(&app.state.db, 1, &query, sort)
                .await
                .unwrap()
                .join("\n");
            assert!(steps.contains(index), "{text} {sort:?}:\n{steps}");
            let scans_contacts = if sqlite {
                steps
                    .lines()
                    .any(|l| l.trim_start().starts_with("SCAN c") && !l.contains("INDEX"))
            } else {
                steps.contains("Seq Scan on contacts")
            };
            assert!(!scans_contacts, "{text} {sort:?}:\n{steps}");
        }
    }
}
