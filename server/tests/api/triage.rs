//! Triage (issue 27): labels administrators define, put on conversations by agents,
//! priority, and the list filtered by both, live.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{ConversationPage, ConversationSummary};
use app::domain::Priority;
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};
use app::labels::Label;

on_both_backends!(
    labels_are_checked_and_kept_by_administrators,
    labels_and_priority_narrow_the_list,
    bad_triage_changes_nothing,
    sort_orders_and_the_waiting_filter,
);

async fn save_label(app: &TestApp, cookie: &str, name: &str, color: &str) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "labels/save",
        json!({"id": null, "name": name, "color": color}),
    )
    .await
}

async fn refused(res: reqwest::Response, status: u16) -> AppError {
    assert_eq!(res.status(), status);
    res.json::<AppError>().await.unwrap()
}

async fn labels(app: &TestApp, cookie: &str) -> Vec<Label> {
    app.ok(cookie, "labels/list", json!({})).await
}

async fn labels_are_checked_and_kept_by_administrators(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let res = save_label(&app, &admin.cookie, " Facturación ", "#D62728").await;
    assert!(res.status().is_success());
    let label: Label = res.json().await.unwrap();
    assert_eq!(
        (label.name.as_str(), label.color.as_str()),
        ("facturación", "#d62728")
    );
    for (name, color, field, code) in [
        ("con espacio", "#ffffff", "name", "invalid"),
        ("  ", "#ffffff", "name", "required"),
        ("vip", "rojo", "color", "invalid"),
    ] {
        let err = refused(save_label(&app, &admin.cookie, name, color).await, 422).await;
        assert_eq!(err, AppError::validation(field, code), "{name} {color}");
    }
    let err = refused(
        save_label(&app, &admin.cookie, "FACTURACIÓN", "#000").await,
        409,
    )
    .await;
    assert_eq!(
        err,
        AppError::Conflict {
            field: "name".into()
        }
    );
    // Agents use labels; only administrators define them.
    refused(save_label(&app, &lucia.cookie, "vip", "#000000").await, 403).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "labels/remove",
            json!({"id": label.id}),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(labels(&app, &lucia.cookie).await, vec![label.clone()]);

    // A removed label leaves the conversations that had it.
    let conversation = first_open(&app, &lucia.cookie).await;
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/labels",
            json!({"id": conversation.id, "label_ids": [label.id]}),
        )
        .await;
    let _: () = app
        .ok(&admin.cookie, "labels/remove", json!({"id": label.id}))
        .await;
    assert!(labels(&app, &lucia.cookie).await.is_empty());
    let after: app::conversations::model::ConversationDetail = app
        .ok(
            &lucia.cookie,
            "conversations/get",
            json!({"id": conversation.id}),
        )
        .await;
    assert!(after.summary.label_ids.is_empty());
}

async fn list(app: &TestApp, cookie: &str, filter: serde_json::Value) -> Vec<ConversationSummary> {
    let page: ConversationPage = app
        .ok(
            cookie,
            "conversations/list",
            json!({"tab": "all", "status": "open", "after": null, "filter": filter}),
        )
        .await;
    page.items
}

async fn first_open(app: &TestApp, cookie: &str) -> ConversationSummary {
    list(app, cookie, json!({})).await.remove(0)
}

async fn labels_and_priority_narrow_the_list(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let vip: Label = save_label(&app, &admin.cookie, "vip", "#9467bd")
        .await
        .json()
        .await
        .unwrap();
    let billing: Label = save_label(&app, &admin.cookie, "facturacion", "#ff7f0e")
        .await
        .json()
        .await
        .unwrap();
    let all = list(&app, &lucia.cookie, json!({})).await;
    assert!(all.len() >= 3, "the demo has open conversations");
    let (a, b) = (all[0].id, all[1].id);
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();

    let changed: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/labels",
            json!({"id": a, "label_ids": [billing.id, vip.id, vip.id]}),
        )
        .await;
    assert_eq!(changed.label_ids, {
        let mut ids = vec![vip.id, billing.id];
        ids.sort();
        ids
    });
    // Teammates' lists hear of it at once, with the labels on the row.
    loop {
        if let ServerFrame::Event(envelope) = next_frame(&mut socket).await {
            if let LiveEvent::ConversationChanged { conversation, .. } = envelope.event {
                assert_eq!(conversation.id, a);
                assert_eq!(conversation.label_ids, changed.label_ids);
                break;
            }
        }
    }
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/labels",
            json!({"id": b, "label_ids": [vip.id]}),
        )
        .await;
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/priority",
            json!({"id": b, "priority": "urgent"}),
        )
        .await;

    let ids = |rows: Vec<ConversationSummary>| {
        let mut ids: Vec<i64> = rows.into_iter().map(|c| c.id).collect();
        ids.sort();
        ids
    };
    let mut both = vec![a, b];
    both.sort();
    assert_eq!(
        ids(list(&app, &lucia.cookie, json!({"label_id": vip.id})).await),
        both
    );
    assert_eq!(
        ids(list(&app, &lucia.cookie, json!({"label_id": billing.id})).await),
        vec![a]
    );
    assert_eq!(
        ids(list(&app, &lucia.cookie, json!({"priority": "urgent"})).await),
        vec![b]
    );
    assert_eq!(
        ids(list(
            &app,
            &lucia.cookie,
            json!({"label_id": billing.id, "priority": "urgent"})
        )
        .await),
        Vec::<i64>::new()
    );
    let rows = list(&app, &lucia.cookie, json!({"label_id": vip.id})).await;
    let row_b = rows.iter().find(|c| c.id == b).unwrap();
    assert_eq!(row_b.priority, Priority::Urgent);

    // Taking a label off, and the priority back to none.
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/labels",
            json!({"id": a, "label_ids": [billing.id]}),
        )
        .await;
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/priority",
            json!({"id": b, "priority": "none"}),
        )
        .await;
    assert_eq!(
        ids(list(&app, &lucia.cookie, json!({"label_id": vip.id})).await),
        vec![b]
    );
    assert!(list(&app, &lucia.cookie, json!({"priority": "urgent"}))
        .await
        .is_empty());
}

async fn bad_triage_changes_nothing(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let vip: Label = save_label(&app, &admin.cookie, "vip", "#9467bd")
        .await
        .json()
        .await
        .unwrap();
    let conversation = first_open(&app, &lucia.cookie).await;
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/labels",
            json!({"id": conversation.id, "label_ids": [vip.id]}),
        )
        .await;
    // An unknown label (or another account's) refuses the whole change.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/labels",
            json!({"id": conversation.id, "label_ids": [999_999]}),
        )
        .await;
    assert_eq!(
        refused(res, 422).await,
        AppError::validation("labels", "invalid")
    );
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/priority",
            json!({"id": conversation.id, "priority": "altísima"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/labels",
            json!({"id": 999_999, "label_ids": [vip.id]}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let now = list(&app, &lucia.cookie, json!({"label_id": vip.id})).await;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].id, conversation.id);
    assert_eq!(now[0].priority, Priority::None);
}

async fn page(
    app: &TestApp,
    cookie: &str,
    filter: serde_json::Value,
    after: serde_json::Value,
) -> ConversationPage {
    app.ok(
        cookie,
        "conversations/list",
        json!({"tab": "all", "status": "open", "after": after, "filter": filter}),
    )
    .await
}

async fn sort_orders_and_the_waiting_filter(app: TestApp) {
    use app::conversations::model::ListSort;
    let admin = app.sign_in(ADMIN).await;
    // Enough open conversations for several pages: more customers write in.
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    for i in 0..60 {
        let contact: i64 = sqlx::query_scalar(
            "INSERT INTO contacts (account_id, name, email, search_text, sort_name, last_activity_at, created_at, updated_at) \
             VALUES (1, $1, $2, $1, $1, 0, 0, 0) RETURNING id",
        )
        .bind(format!("Cliente {i}"))
        .bind(format!("cliente{i}@example.com"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let mut tx = app.state.db.begin_write().await.unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, status, priority, \
             last_activity_at, created_at, updated_at) VALUES (1, $1, $2, $3, 'open', $4, $5, $6, $6) RETURNING id",
        )
        .bind(1000 + i)
        .bind(inbox)
        .bind(contact)
        .bind(i % 5)
        // Equal activity times in threes: the keyset must break ties.
        .bind(1_700_000_000_000_i64 + (i / 3) * 1000)
        .bind(1_600_000_000_000_i64 + (i * 7 % 60) * 1000)
        .fetch_one(tx.conn())
        .await
        .unwrap();
        tx.finish().await.unwrap();
        if i % 2 == 0 {
            let text = format!("Hola {i}");
            app::conversations::ssr::messages::receive(
                &app.state.db,
                &app.state.hub,
                id,
                contact,
                &app::conversations::ssr::messages::Inbound::text(&text),
            )
            .await
            .unwrap();
        }
    }
    for sort in ListSort::ALL {
        for waiting in [false, true] {
            let filter = json!({"sort": sort, "waiting": waiting});
            let mut seen: Vec<ConversationSummary> = Vec::new();
            let mut after = serde_json::Value::Null;
            loop {
                let p = page(&app, &admin.cookie, filter.clone(), after).await;
                seen.extend(p.items);
                match p.next {
                    Some(next) => after = serde_json::to_value(next).unwrap(),
                    None => break,
                }
            }
            let all = page(&app, &admin.cookie, json!({}), serde_json::Value::Null).await;
            assert!(all.next.is_some(), "more than one page");
            let mut ids: Vec<i64> = seen.iter().map(|c| c.id).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), seen.len(), "{sort:?}: no row twice");
            for pair in seen.windows(2) {
                assert!(
                    pair[0]
                        .cursor(sort)
                        .comes_before(&pair[1].cursor(sort), sort),
                    "{sort:?}: {:?} before {:?}",
                    pair[0].cursor(sort),
                    pair[1].cursor(sort)
                );
            }
            if waiting {
                assert!(seen.iter().all(|c| c.waiting_since.is_some()));
                assert!(seen.len() >= 30, "the thirty customers who wrote wait");
            } else {
                assert!(seen.len() >= 60);
            }
        }
    }
    // A reply ends the wait; a note does not; the customer's next message starts it again.
    let waiting = page(
        &app,
        &admin.cookie,
        json!({"waiting": true, "sort": "waiting"}),
        serde_json::Value::Null,
    )
    .await
    .items;
    let first = &waiting[0];
    let send = |body: &str, private: bool| json!({"conversation_id": first.id, "body": body, "private": private, "idempotency_key": null, "mentions": []});
    let _: app::conversations::model::MessageView = app
        .ok(
            &admin.cookie,
            "conversations/send",
            send("Nota interna", true),
        )
        .await;
    let still = page(
        &app,
        &admin.cookie,
        json!({"waiting": true}),
        serde_json::Value::Null,
    )
    .await;
    assert!(
        still.items.iter().any(|c| c.id == first.id),
        "a note is not a reply"
    );
    let _: app::conversations::model::MessageView = app
        .ok(
            &admin.cookie,
            "conversations/send",
            send("Respuesta", false),
        )
        .await;
    let after_reply = page(
        &app,
        &admin.cookie,
        json!({"waiting": true}),
        serde_json::Value::Null,
    )
    .await;
    assert!(!after_reply.items.iter().any(|c| c.id == first.id));
    app::conversations::ssr::messages::receive(
        &app.state.db,
        &app.state.hub,
        first.id,
        first.contact_id,
        &app::conversations::ssr::messages::Inbound::text("¿Hola?"),
    )
    .await
    .unwrap();
    let again = page(
        &app,
        &admin.cookie,
        json!({"waiting": true}),
        serde_json::Value::Null,
    )
    .await;
    assert!(again.items.iter().any(|c| c.id == first.id));
    // Inbox and channel narrow it too.
    let rows = list(&app, &admin.cookie, json!({"inbox_id": inbox})).await;
    assert!(!rows.is_empty() && rows.iter().all(|c| c.inbox_id == inbox));
    let rows = list(&app, &admin.cookie, json!({"channel": "whatsapp"})).await;
    assert!(rows
        .iter()
        .all(|c| c.channel == app::domain::ChannelKind::WhatsApp));
}
