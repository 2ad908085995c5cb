//! Administrators arranging the team through Chatwoot's API (issue 30), on both
//! databases: a team created, renamed (a field left out keeps its value) and deleted;
//! its members added, replaced and removed by `user_ids`; an inbox's members the same
//! way, with the agent's access following at once; agents' tokens are refused and
//! change nothing; an unknown agent refuses the whole change.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(administrators_arrange_teams_and_inboxes);

fn ids(list: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = list
        .as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

async fn administrators_arrange_teams_and_inboxes(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia_token = app.api_token(LUCIA).await;
    let (lucia, marcos) = (app.agent_id(LUCIA).await, app.agent_id(MARCOS).await);

    // A team, created and renamed.
    let (status, team) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/teams"),
        Some(json!({"name": "Devoluciones API", "description": "Cambios y devoluciones"})),
    )
    .await;
    assert_eq!(status, 200, "{team}");
    let team_id = team["id"].as_i64().unwrap();
    assert_eq!(team["name"], "Devoluciones API");
    let (status, same) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/teams"),
        Some(json!({"team": {"name": "devoluciones api"}})),
    )
    .await;
    assert_eq!(status, 422, "a name in use, in any case: {same}");
    let (status, renamed) = call(
        &app,
        Some(&admin),
        Method::PATCH,
        &at(&format!("/teams/{team_id}")),
        Some(json!({"name": "Devoluciones"})),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        (renamed["name"].as_str(), renamed["description"].as_str()),
        (Some("Devoluciones"), Some("Cambios y devoluciones"))
    );
    let (status, _) = call(
        &app,
        Some(&lucia_token),
        Method::POST,
        &at("/teams"),
        Some(json!({"name": "De Lucía"})),
    )
    .await;
    assert_eq!(status, 403);

    // Its members: add, replace, remove.
    let members = at(&format!("/teams/{team_id}/team_members"));
    let (status, added) = call(
        &app,
        Some(&admin),
        Method::POST,
        &members,
        Some(json!({"user_ids": [lucia]})),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(ids(&added), vec![lucia]);
    let (_, added) = call(
        &app,
        Some(&admin),
        Method::POST,
        &members,
        Some(json!({"user_ids": [marcos, lucia]})),
    )
    .await;
    assert_eq!(
        ids(&added),
        vec![marcos],
        "as Chatwoot: the agents who joined"
    );
    let (_, listed) = call(&app, Some(&admin), Method::GET, &members, None).await;
    assert_eq!(ids(&listed), {
        let mut v = vec![lucia, marcos];
        v.sort_unstable();
        v
    });
    let (_, replaced) = call(
        &app,
        Some(&admin),
        Method::PATCH,
        &members,
        Some(json!({"user_ids": [marcos]})),
    )
    .await;
    assert_eq!(ids(&replaced), vec![marcos]);
    let (status, refused) = call(
        &app,
        Some(&admin),
        Method::POST,
        &members,
        Some(json!({"user_ids": [lucia, 999999]})),
    )
    .await;
    assert_eq!(
        status, 422,
        "an unknown agent refuses the whole change: {refused}"
    );
    let (_, listed) = call(&app, Some(&admin), Method::GET, &members, None).await;
    assert_eq!(ids(&listed), vec![marcos], "nothing changed");
    let (status, _) = call(
        &app,
        Some(&lucia_token),
        Method::DELETE,
        &members,
        Some(json!({"user_ids": [marcos]})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &members,
        Some(json!({"user_ids": [marcos]})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, left) = call(&app, Some(&admin), Method::GET, &members, None).await;
    assert_eq!(ids(&left), Vec::<i64>::new());

    // Agents' tokens change none of it.
    for (method, path, body) in [
        (
            Method::PATCH,
            at(&format!("/teams/{team_id}")),
            json!({"name": "Mío"}),
        ),
        (Method::DELETE, at(&format!("/teams/{team_id}")), json!({})),
        (Method::POST, members.clone(), json!({"user_ids": [lucia]})),
        (Method::PATCH, members.clone(), json!({"user_ids": [lucia]})),
        (
            Method::PATCH,
            at("/inbox_members"),
            json!({"inbox_id": 1, "user_ids": [lucia]}),
        ),
    ] {
        let (status, _) = call(&app, Some(&lucia_token), method.clone(), &path, Some(body)).await;
        assert_eq!(status, 403, "{method} {path}");
    }
    let (_, still) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/teams/{team_id}")),
        None,
    )
    .await;
    assert_eq!(still["name"], "Devoluciones");
    let (_, left) = call(&app, Some(&admin), Method::GET, &members, None).await;
    assert_eq!(ids(&left), Vec::<i64>::new());

    // An inbox's members: Marcos joins the WhatsApp inbox and works it at once.
    let whatsapp: i64 = sqlx::query_scalar(
        "SELECT id FROM inboxes WHERE channel_kind = 'whatsapp' ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let marcos_token = app.api_token(MARCOS).await;
    let (status, _) = call(
        &app,
        Some(&marcos_token),
        Method::GET,
        &at(&format!("/inbox_members/{whatsapp}")),
        None,
    )
    .await;
    assert_eq!(status, 404, "not his inbox yet");
    let (status, joined) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/inbox_members"),
        Some(json!({"inbox_id": whatsapp, "user_ids": [marcos]})),
    )
    .await;
    assert_eq!(status, 200, "{joined}");
    assert!(ids(&joined["payload"]).contains(&marcos));
    let (status, _) = call(
        &app,
        Some(&marcos_token),
        Method::GET,
        &at(&format!("/inbox_members/{whatsapp}")),
        None,
    )
    .await;
    assert_eq!(status, 200, "his inbox now");
    let (_, exactly) = call(
        &app,
        Some(&admin),
        Method::PATCH,
        &at("/inbox_members"),
        Some(json!({"inbox_id": whatsapp, "user_ids": [lucia]})),
    )
    .await;
    assert_eq!(ids(&exactly["payload"]), vec![lucia]);
    let (status, _) = call(
        &app,
        Some(&marcos_token),
        Method::GET,
        &at(&format!("/inbox_members/{whatsapp}")),
        None,
    )
    .await;
    assert_eq!(status, 404, "out again");
    let (status, _) = call(
        &app,
        Some(&lucia_token),
        Method::DELETE,
        &at("/inbox_members"),
        Some(json!({"inbox_id": whatsapp, "user_ids": [lucia]})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::POST,
        &at("/inbox_members"),
        Some(json!({"inbox_id": 999999, "user_ids": [lucia]})),
    )
    .await;
    assert_eq!(status, 404);

    // The team goes; asking for it again is a 404.
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::DELETE,
        &at(&format!("/teams/{team_id}")),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Some(&admin),
        Method::GET,
        &at(&format!("/teams/{team_id}")),
        None,
    )
    .await;
    assert_eq!(status, 404);
}
