//! Bulk actions and saved folders (issue 27): one transaction and one batch of events
//! per action, refusals per conversation, folders counted with the list's own rules.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{
    BulkOutcome, ConversationPage, ConversationSummary, FolderCount, SavedFolder,
};
use app::domain::{ConversationStatus, Priority};
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};
use app::labels::Label;

on_both_backends!(
    bulk_actions_change_many_and_refuse_one_by_one,
    bad_bulk_requests_change_nothing,
    saved_folders_count_live_and_are_the_agents_own,
);

async fn label(app: &TestApp, admin: &str, name: &str) -> Label {
    app.ok(
        admin,
        "labels/save",
        json!({"id": null, "name": name, "color": "#1f77b4"}),
    )
    .await
}

async fn open_list(
    app: &TestApp,
    cookie: &str,
    filter: serde_json::Value,
) -> Vec<ConversationSummary> {
    let page: ConversationPage = app
        .ok(
            cookie,
            "conversations/list",
            json!({"tab": "all", "status": "open", "after": null, "filter": filter}),
        )
        .await;
    page.items
}

async fn bulk(
    app: &TestApp,
    cookie: &str,
    ids: &[i64],
    action: serde_json::Value,
) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "conversations/bulk",
        json!({"ids": ids, "action": action}),
    )
    .await
}

async fn conversations_in(app: &TestApp, channel: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = $1 ORDER BY c.id",
    )
    .bind(channel)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn bulk_actions_change_many_and_refuse_one_by_one(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let vip = label(&app, &admin.cookie, "vip").await;
    let mine = open_list(&app, &lucia.cookie, json!({})).await;
    assert!(mine.len() >= 3, "Lucía sees open conversations in the demo");
    let three: Vec<i64> = mine.iter().take(3).map(|c| c.id).collect();
    // One she cannot see (the email inbox is Marcos's).
    let hidden = conversations_in(&app, "email").await[0];
    let mut socket = app.socket(Some(&admin.cookie), None).await.unwrap();
    // Subscribed once it says hello.
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));

    let mut ids = three.clone();
    ids.push(hidden);
    let res = bulk(
        &app,
        &lucia.cookie,
        &ids,
        json!({"kind": "add_label", "label_id": vip.id}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let done: BulkOutcome = res.json().await.unwrap();
    let mut updated: Vec<i64> = done.updated.iter().map(|c| c.id).collect();
    updated.sort();
    let mut want = three.clone();
    want.sort();
    assert_eq!(updated, want);
    assert_eq!(done.refused.len(), 1);
    assert_eq!(
        (done.refused[0].id, done.refused[0].reason.as_str()),
        (hidden, "not_found")
    );
    assert!(done.updated.iter().all(|c| c.label_ids == vec![vip.id]));
    // The hidden one is untouched, and says nothing about itself.
    let hidden_labels: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversation_labels WHERE conversation_id = $1")
            .bind(hidden)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(hidden_labels, 0);

    // One batch of events, one per changed conversation, consecutive in the log.
    let mut seen = Vec::new();
    let mut event_ids = Vec::new();
    while seen.len() < 3 {
        if let ServerFrame::Event(envelope) = next_frame(&mut socket).await {
            if let LiveEvent::ConversationChanged { conversation, .. } = envelope.event {
                assert_eq!(conversation.label_ids, vec![vip.id]);
                seen.push(conversation.id);
                event_ids.push(envelope.id);
            }
        }
    }
    seen.sort();
    assert_eq!(seen, want);
    assert!(
        event_ids.windows(2).all(|w| w[1] == w[0] + 1),
        "{event_ids:?}"
    );
    assert_eq!(
        open_list(&app, &lucia.cookie, json!({"label_id": vip.id}))
            .await
            .len(),
        3
    );

    // Adding it again changes nothing and tells nobody.
    let again: BulkOutcome = bulk(
        &app,
        &lucia.cookie,
        &three,
        json!({"kind": "add_label", "label_id": vip.id}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again.updated.len(), 3);
    assert_silent(&mut socket).await;

    // Priority, then assignment: Marcos does not work the WhatsApp inbox.
    let _: BulkOutcome = app
        .ok(
            &lucia.cookie,
            "conversations/bulk",
            json!({"ids": three, "action": {"kind": "set_priority", "priority": "high"}}),
        )
        .await;
    let marcos = app.agent_id(MARCOS).await;
    let whatsapp: Vec<i64> = conversations_in(&app, "whatsapp").await;
    let mut to_assign = three.clone();
    to_assign.push(whatsapp[0]);
    let assigned: BulkOutcome = app
        .ok(
            &lucia.cookie,
            "conversations/bulk",
            json!({"ids": to_assign, "action": {"kind": "assign", "assignee_id": marcos}}),
        )
        .await;
    let refused_ids: Vec<(i64, &str)> = assigned
        .refused
        .iter()
        .map(|r| (r.id, r.reason.as_str()))
        .collect();
    for (id, reason) in &refused_ids {
        assert_eq!(*reason, "assignee_not_member", "{id}");
        assert!(whatsapp.contains(id));
    }
    assert!(refused_ids.iter().any(|(id, _)| *id == whatsapp[0]));
    for c in &assigned.updated {
        assert_eq!(c.assignee_id, Some(marcos));
        assert_eq!(c.priority, Priority::High);
    }

    // Resolve them, and the label comes off in one go.
    let resolved: BulkOutcome = app
        .ok(
            &lucia.cookie,
            "conversations/bulk",
            json!({"ids": three, "action": {"kind": "set_status", "status": "resolved"}}),
        )
        .await;
    assert!(resolved
        .updated
        .iter()
        .all(|c| c.status == ConversationStatus::Resolved));
    assert!(open_list(&app, &lucia.cookie, json!({"label_id": vip.id}))
        .await
        .is_empty());
    let _: BulkOutcome = app
        .ok(
            &lucia.cookie,
            "conversations/bulk",
            json!({"ids": three, "action": {"kind": "remove_label", "label_id": vip.id}}),
        )
        .await;
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversation_labels WHERE label_id = $1")
            .bind(vip.id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
    // Reopened, snoozed until the next reply.
    let snoozed: BulkOutcome = app
        .ok(&lucia.cookie, "conversations/bulk", json!({"ids": three, "action": {"kind": "set_status", "status": "snoozed", "snoozed_until": null}}))
        .await;
    assert!(snoozed
        .updated
        .iter()
        .all(|c| c.status == ConversationStatus::Snoozed && c.snoozed_until.is_none()));
}

async fn bad_bulk_requests_change_nothing(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let vip = label(&app, &admin.cookie, "vip").await;
    let ids: Vec<i64> = open_list(&app, &lucia.cookie, json!({}))
        .await
        .iter()
        .map(|c| c.id)
        .collect();
    let cases = [
        (
            json!({"kind": "add_label", "label_id": 999_999}),
            ids.clone(),
            AppError::validation("label", "invalid"),
        ),
        (
            json!({"kind": "assign", "assignee_id": 999_999}),
            ids.clone(),
            AppError::validation("assignee", "invalid"),
        ),
        (
            json!({"kind": "set_status", "status": "snoozed", "snoozed_until": 1}),
            ids.clone(),
            AppError::validation("snoozed_until", "in_past"),
        ),
        (
            json!({"kind": "add_label", "label_id": vip.id}),
            vec![],
            AppError::validation("ids", "required"),
        ),
        (
            json!({"kind": "add_label", "label_id": vip.id}),
            (1..=501).collect(),
            AppError::validation("ids", "too_many"),
        ),
    ];
    for (action, ids, want) in cases {
        let res = bulk(&app, &lucia.cookie, &ids, action.clone()).await;
        assert_eq!(res.status(), 422, "{action}");
        assert_eq!(res.json::<AppError>().await.unwrap(), want);
    }
    let res = bulk(&app, &lucia.cookie, &ids, json!({"kind": "explode"})).await;
    assert_eq!(res.status(), 400);
    let after = open_list(&app, &lucia.cookie, json!({})).await;
    assert!(after
        .iter()
        .all(|c| c.label_ids.is_empty() && c.assignee_id != Some(999_999)));
    assert_eq!(after.len(), ids.len());
    // Signed out: nothing.
    let res = app
        .call_json(
            None,
            "conversations/bulk",
            json!({"ids": ids, "action": {"kind": "set_priority", "priority": "low"}}),
        )
        .await;
    assert_eq!(res.status(), 401);
}

async fn folder_counts(app: &TestApp, cookie: &str) -> Vec<FolderCount> {
    app.ok(cookie, "folders/counts", json!({})).await
}

async fn saved_folders_count_live_and_are_the_agents_own(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    let vip = label(&app, &admin.cookie, "vip").await;
    let save = |name: &str, filter: serde_json::Value| json!({"name": name, "tab": "all", "status": "open", "filter": filter});
    let folder: SavedFolder = app
        .ok(
            &marcos.cookie,
            "folders/save",
            save(
                "  VIP abiertas ",
                json!({"label_id": vip.id, "sort": "waiting"}),
            ),
        )
        .await;
    assert_eq!(folder.name, "VIP abiertas");
    assert_eq!(folder.filter.label_id, Some(vip.id));
    let unread: SavedFolder = app
        .ok(
            &marcos.cookie,
            "folders/save",
            save("Sin leer", json!({"unread": true})),
        )
        .await;
    assert_eq!(
        folder_counts(&app, &marcos.cookie).await[..1],
        [FolderCount {
            id: unread.id,
            count: open_list(&app, &marcos.cookie, json!({"unread": true}))
                .await
                .len() as i64
        }]
    );
    let vip_count =
        |counts: Vec<FolderCount>| counts.iter().find(|c| c.id == folder.id).unwrap().count;
    assert_eq!(vip_count(folder_counts(&app, &marcos.cookie).await), 0);

    // The administrator labels conversations Marcos sees (and one he does not).
    let his: Vec<i64> = open_list(&app, &marcos.cookie, json!({}))
        .await
        .iter()
        .map(|c| c.id)
        .take(3)
        .collect();
    assert!(his.len() >= 2, "Marcos sees open conversations in the demo");
    let whatsapp = conversations_in(&app, "whatsapp").await;
    let mut ids = his.clone();
    ids.push(whatsapp[0]);
    let _: BulkOutcome = app
        .ok(
            &admin.cookie,
            "conversations/bulk",
            json!({"ids": ids, "action": {"kind": "add_label", "label_id": vip.id}}),
        )
        .await;
    let his_count = his.len() as i64;
    assert_eq!(
        vip_count(folder_counts(&app, &marcos.cookie).await),
        his_count
    );

    // Names: required, bounded, one per name (any case); folders are one's own.
    for (name, status, want) in [
        ("   ", 422, AppError::validation("name", "required")),
        (
            &"x".repeat(41)[..],
            422,
            AppError::validation("name", "too_long"),
        ),
        (
            "vip ABIERTAS",
            409,
            AppError::Conflict {
                field: "name".into(),
            },
        ),
    ] {
        let res = app
            .call_json(Some(&marcos.cookie), "folders/save", save(name, json!({})))
            .await;
        assert_eq!(res.status(), status, "{name}");
        assert_eq!(res.json::<AppError>().await.unwrap(), want);
    }
    // A label or an inbox she cannot name.
    let email_inbox: i64 =
        sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'email'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    for (filter, want) in [
        (
            json!({"label_id": 999_999}),
            AppError::validation("label", "invalid"),
        ),
        (
            json!({"inbox_id": email_inbox}),
            AppError::validation("inbox", "invalid"),
        ),
        (
            json!({"assignee_id": 999_999}),
            AppError::validation("assignee", "invalid"),
        ),
    ] {
        let res = app
            .call_json(Some(&lucia.cookie), "folders/save", save("Mala", filter))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(res.json::<AppError>().await.unwrap(), want);
    }
    let lucias: Vec<SavedFolder> = app.ok(&lucia.cookie, "folders/list", json!({})).await;
    assert!(lucias.is_empty(), "Marcos's folders are his");
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "folders/remove",
            json!({"id": folder.id}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let _: () = app
        .ok(&marcos.cookie, "folders/remove", json!({"id": folder.id}))
        .await;
    let left: Vec<SavedFolder> = app.ok(&marcos.cookie, "folders/list", json!({})).await;
    assert_eq!(
        left.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![unread.id]
    );
}
