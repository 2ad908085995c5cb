//! The list's date ranges (issue 27): created and last-activity ranges narrow the list
//! and a folder's count alike, `since` included and `until` not.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{ConversationPage, ConversationSummary};

on_both_backends!(created_and_activity_ranges_narrow_the_list);

const DAY: i64 = 86_400_000;
/// 2026-01-10 12:00 UTC, long before the demo's conversations.
const T0: i64 = 1_768_046_400_000;

async fn ids(app: &TestApp, cookie: &str, filter: serde_json::Value) -> Vec<i64> {
    let page: ConversationPage = app
        .ok(
            cookie,
            "conversations/list",
            json!({"tab": "all", "status": "open", "after": null, "filter": filter}),
        )
        .await;
    let mut ids: Vec<i64> = page
        .items
        .iter()
        .map(|c: &ConversationSummary| c.id)
        .collect();
    ids.sort();
    ids
}

async fn created_and_activity_ranges_narrow_the_list(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let all = ids(&app, &admin.cookie, json!({})).await;
    assert!(all.len() >= 2, "{all:?}");
    let (a, b) = (all[0], all[1]);
    // A was created on T0 and last active two days later; B created the day after T0
    // and last active on T0 + 3 days.
    for (id, created, active) in [(a, T0, T0 + 2 * DAY), (b, T0 + DAY, T0 + 3 * DAY)] {
        sqlx::query(
            "UPDATE conversations SET created_at = $1, last_activity_at = $2 WHERE id = $3",
        )
        .bind(created)
        .bind(active)
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let range = |name: &str, since: i64, until: i64| json!({ format!("{name}_since"): since, format!("{name}_until"): until });
    assert_eq!(
        ids(&app, &admin.cookie, range("created", T0 - DAY, T0 + DAY)).await,
        vec![a]
    );
    assert_eq!(
        ids(&app, &admin.cookie, range("created", T0, T0 + 2 * DAY)).await,
        vec![a, b]
    );
    // `until` is not included, `since` is.
    assert_eq!(
        ids(&app, &admin.cookie, range("created", T0 - DAY, T0)).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(
            &app,
            &admin.cookie,
            range("created", T0 + DAY, T0 + DAY + 1)
        )
        .await,
        vec![b]
    );
    assert_eq!(
        ids(
            &app,
            &admin.cookie,
            range("active", T0 + 3 * DAY, T0 + 4 * DAY)
        )
        .await,
        vec![b]
    );
    // One bound alone; both ranges together.
    let recent = ids(&app, &admin.cookie, json!({"created_since": T0 + 2 * DAY})).await;
    assert_eq!(recent.len(), all.len() - 2);
    assert!(!recent.contains(&a) && !recent.contains(&b));
    assert_eq!(
        ids(
            &app,
            &admin.cookie,
            json!({"created_until": T0 + 2 * DAY, "active_since": T0 + 3 * DAY})
        )
        .await,
        vec![b]
    );
    // A folder of the range counts what the list shows.
    let folder: app::conversations::model::SavedFolder = app
        .ok(
            &admin.cookie,
            "folders/save",
            json!({"name": "enero", "tab": "all", "status": "open", "filter": range("created", T0 - DAY, T0 + 2 * DAY)}),
        )
        .await;
    let counts: Vec<app::conversations::model::FolderCount> =
        app.ok(&admin.cookie, "folders/counts", json!({})).await;
    let count = counts.iter().find(|c| c.id == folder.id).unwrap();
    assert_eq!(count.count, 2);
}
