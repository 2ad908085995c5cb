//! Teams (issue 27): administrators keep them and their members; a conversation goes
//! into a team's queue from the chat or in bulk, and the list filters by it, live.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{
    BulkOutcome, ConversationPage, ConversationSummary, FolderCount, SavedFolder,
};
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};
use app::teams::Team;

on_both_backends!(
    teams_are_kept_by_administrators,
    a_teams_queue_filters_the_list_live,
);

async fn save(
    app: &TestApp,
    cookie: &str,
    id: Option<i64>,
    name: &str,
    description: &str,
) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "teams/save",
        json!({"id": id, "name": name, "description": description}),
    )
    .await
}

async fn refused(res: reqwest::Response, status: u16) -> AppError {
    assert_eq!(res.status(), status);
    res.json::<AppError>().await.unwrap()
}

async fn teams_are_kept_by_administrators(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let res = save(&app, &admin.cookie, None, "  Cobros   y pagos ", "Facturas").await;
    assert_eq!(res.status(), 200);
    let team: Team = res.json().await.unwrap();
    assert_eq!(
        (team.name.as_str(), team.description.as_str()),
        ("Cobros y pagos", "Facturas")
    );
    assert!(team.member_ids.is_empty());
    for (name, description, status, want) in [
        (
            "cobros Y PAGOS",
            "",
            409,
            AppError::Conflict {
                field: "name".into(),
            },
        ),
        ("   ", "", 422, AppError::validation("name", "required")),
        (
            &"e".repeat(61)[..],
            "",
            422,
            AppError::validation("name", "too_long"),
        ),
        (
            "Soporte",
            &"d".repeat(201)[..],
            422,
            AppError::validation("description", "too_long"),
        ),
    ] {
        let err = refused(
            save(&app, &admin.cookie, None, name, description).await,
            status,
        )
        .await;
        assert_eq!(err, want, "{name}");
    }
    // Agents see teams; only administrators keep them.
    refused(save(&app, &lucia.cookie, None, "Soporte", "").await, 403).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let marcos_id = app.agent_id(MARCOS).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "teams/members",
            json!({"id": team.id, "agent_ids": [lucia_id]}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let with: Team = app
        .ok(
            &admin.cookie,
            "teams/members",
            json!({"id": team.id, "agent_ids": [marcos_id, lucia_id, lucia_id]}),
        )
        .await;
    let mut both = vec![lucia_id, marcos_id];
    both.sort();
    assert_eq!(with.member_ids, both);
    // An unknown agent refuses the change whole.
    let err = refused(
        app.call_json(
            Some(&admin.cookie),
            "teams/members",
            json!({"id": team.id, "agent_ids": [lucia_id, 999_999]}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(err, AppError::validation("members", "invalid"));
    let listed: Vec<Team> = app.ok(&lucia.cookie, "teams/list", json!({})).await;
    assert_eq!(listed, vec![with.clone()]);
    // Renamed, then members taken off, then deleted.
    let renamed: Team = save(&app, &admin.cookie, Some(team.id), "Cobros", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.member_ids.clone()),
        ("Cobros", both.clone())
    );
    let fewer: Team = app
        .ok(
            &admin.cookie,
            "teams/members",
            json!({"id": team.id, "agent_ids": [marcos_id]}),
        )
        .await;
    assert_eq!(fewer.member_ids, vec![marcos_id]);
    refused(
        app.call_json(Some(&lucia.cookie), "teams/remove", json!({"id": team.id}))
            .await,
        403,
    )
    .await;
    let _: () = app
        .ok(&admin.cookie, "teams/remove", json!({"id": team.id}))
        .await;
    let listed: Vec<Team> = app.ok(&lucia.cookie, "teams/list", json!({})).await;
    assert!(listed.is_empty());
    refused(
        app.call_json(Some(&admin.cookie), "teams/remove", json!({"id": team.id}))
            .await,
        404,
    )
    .await;
}

async fn list(app: &TestApp, cookie: &str, tab: &str, filter: serde_json::Value) -> Vec<i64> {
    let page: ConversationPage = app
        .ok(
            cookie,
            "conversations/list",
            json!({"tab": tab, "status": "open", "after": null, "filter": filter}),
        )
        .await;
    let mut ids: Vec<i64> = page.items.into_iter().map(|c| c.id).collect();
    ids.sort();
    ids
}

async fn a_teams_queue_filters_the_list_live(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let team: Team = save(&app, &admin.cookie, None, "Cobros", "")
        .await
        .json()
        .await
        .unwrap();
    let open = list(&app, &lucia.cookie, "all", json!({})).await;
    assert!(open.len() >= 3);
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));

    let moved: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/team",
            json!({"id": open[0], "team_id": team.id}),
        )
        .await;
    assert_eq!(moved.team_id, Some(team.id));
    loop {
        if let ServerFrame::Event(envelope) = next_frame(&mut socket).await {
            if let LiveEvent::ConversationChanged { conversation, .. } = envelope.event {
                assert_eq!(
                    (conversation.id, conversation.team_id),
                    (open[0], Some(team.id))
                );
                break;
            }
        }
    }
    assert_eq!(
        list(&app, &lucia.cookie, "all", json!({"team_id": team.id})).await,
        vec![open[0]]
    );

    // Two more in bulk; an unknown team refuses the request whole.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/bulk",
            json!({"ids": [open[1], open[2]], "action": {"kind": "set_team", "team_id": 999_999}}),
        )
        .await;
    assert_eq!(
        refused(res, 422).await,
        AppError::validation("team", "invalid")
    );
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/team",
            json!({"id": open[1], "team_id": 999_999}),
        )
        .await;
    assert_eq!(
        refused(res, 422).await,
        AppError::validation("team", "invalid")
    );
    let done: BulkOutcome = app
        .ok(
            &lucia.cookie,
            "conversations/bulk",
            json!({"ids": [open[1], open[2]], "action": {"kind": "set_team", "team_id": team.id}}),
        )
        .await;
    assert!(done.refused.is_empty() && done.updated.iter().all(|c| c.team_id == Some(team.id)));
    let queue = list(&app, &lucia.cookie, "all", json!({"team_id": team.id})).await;
    assert_eq!(queue, open[..3].to_vec());

    // "Sin asignar" with the team: the team's queue; a folder of it counts it.
    let unassigned = list(
        &app,
        &lucia.cookie,
        "unassigned",
        json!({"team_id": team.id}),
    )
    .await;
    let all_unassigned = list(&app, &lucia.cookie, "unassigned", json!({})).await;
    assert!(unassigned
        .iter()
        .all(|id| queue.contains(id) && all_unassigned.contains(id)));
    let folder: SavedFolder = app
        .ok(&lucia.cookie, "folders/save", json!({"name": "Cola de cobros", "tab": "all", "status": "open", "filter": {"team_id": team.id}}))
        .await;
    let counts: Vec<FolderCount> = app.ok(&lucia.cookie, "folders/counts", json!({})).await;
    assert_eq!(
        counts,
        vec![FolderCount {
            id: folder.id,
            count: 3
        }]
    );
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "folders/save",
            json!({"name": "Mala", "tab": "all", "status": "open", "filter": {"team_id": 999_999}}),
        )
        .await;
    assert_eq!(
        refused(res, 422).await,
        AppError::validation("team", "invalid")
    );

    // Out of the queue again, then the team deleted: its conversations stay, teamless.
    let _: ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/team",
            json!({"id": open[0], "team_id": null}),
        )
        .await;
    assert_eq!(
        list(&app, &lucia.cookie, "all", json!({"team_id": team.id})).await,
        open[1..3].to_vec()
    );
    let _: () = app
        .ok(&admin.cookie, "teams/remove", json!({"id": team.id}))
        .await;
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE team_id IS NOT NULL")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
    assert_eq!(list(&app, &lucia.cookie, "all", json!({})).await, open);
}
