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
