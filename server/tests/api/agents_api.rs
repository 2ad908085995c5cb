//! The account and its agents through Chatwoot's API, on both databases: the account
//! read by anyone and renamed by administrators (a refused time zone changes nothing);
//! agents added by invitation (unconfirmed, unable to sign in until the link's
//! password), their role and availability changed, removed (deactivated, out of the
//! list, signed out); agents' tokens refused; the last administrator kept. The link
//! works once, a new one ends the old, and a mismatched or short password is refused.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(the_account_and_its_agents);

/// The agent `id` in a `GET …/agents` answer.
fn listed_agent(list: &Value, id: i64) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("agent {id} listed: {list}"))
}

async fn the_account_and_its_agents(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let admin = app.api_token(ADMIN).await;
    let lucia = app.api_token(LUCIA).await;
    let send = |token: &str, method: Method, path: String, body: Option<Value>| {
        let (app, token) = (&app, token.to_owned());
        async move { call(app, Some(&token), method, &path, body).await }
    };

    // The account.
    let (status, shown) = send(&lucia, Method::GET, at(""), None).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["id"], account);
    assert_eq!(shown["custom_attributes"]["timezone"], "UTC");
    let name = shown["name"].as_str().unwrap().to_owned();
    let (status, _) = send(&lucia, Method::PATCH, at(""), Some(json!({"name": "X"}))).await;
    assert_eq!(status, 403, "agents do not rename the account");
    let (status, refused) = send(
        &admin,
        Method::PATCH,
        at(""),
        Some(json!({"name": "Tienda Norte", "timezone": "Mars/Olympus"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["timezone"]));
    let (_, kept) = send(&admin, Method::GET, at(""), None).await;
    assert_eq!(
        kept["name"],
        name.as_str(),
        "a refused change changes nothing"
    );
    let (status, renamed) = send(
        &admin,
        Method::PATCH,
        at(""),
        Some(json!({"account": {"name": "Tienda Norte", "timezone": "Europe/Madrid"}})),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "Tienda Norte");
    assert_eq!(renamed["custom_attributes"]["timezone"], "Europe/Madrid");
    let other = format!("/api/v1/accounts/{}", account + 1);
    let (status, _) = send(&admin, Method::GET, other, None).await;
    assert_eq!(status, 401, "another account's path");

    // Adding an agent: an invitation.
    let nora = json!({"name": "Nora Vidal", "email": "nora@example.org", "role": "agent"});
    let (status, _) = send(&lucia, Method::POST, at("/agents"), Some(nora.clone())).await;
    assert_eq!(status, 403, "agents do not add agents");
    let (status, added) = send(&admin, Method::POST, at("/agents"), Some(nora.clone())).await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["email"], "nora@example.org");
    assert_eq!(added["role"], "agent");
    assert_eq!(added["confirmed"], false);
    let nora_id = added["id"].as_i64().unwrap();
    let (status, taken) = send(&admin, Method::POST, at("/agents"), Some(nora)).await;
    assert_eq!(status, 422, "the email is taken: {taken}");
    let (status, nameless) = send(
        &admin,
        Method::POST,
        at("/agents"),
        Some(json!({"email": "sin@example.org"})),
    )
    .await;
    assert_eq!(status, 422, "{nameless}");
    assert_eq!(nameless["attributes"], json!(["name"]));
    let (_, listed) = send(&lucia, Method::GET, at("/agents"), None).await;
    let row = listed_agent(&listed, nora_id);
    assert_eq!(row["confirmed"], false);
    let refused = app
        .call(
            None,
            "login",
            &[("email", "nora@example.org"), ("password", "")],
        )
        .await;
    assert!(!refused.status().is_success(), "no sign-in before the link");

    // Her link: from Ajustes (a new one ends the first), used once.
    let admin_session = app.sign_in(ADMIN).await;
    let first: String = app
        .ok(
            &admin_session.cookie,
            "team/invitation_link",
            json!({"id": nora_id}),
        )
        .await;
    let second: String = app
        .ok(
            &admin_session.cookie,
            "team/invitation_link",
            json!({"id": nora_id}),
        )
        .await;
    let token = |path: &str| path.strip_prefix("/invitation/").unwrap().to_owned();
    let (first, second) = (token(&first), token(&second));
    let accept = |token: String, password: &'static str, confirmation: &'static str| {
        let app = &app;
        async move {
            app.call(
                None,
                "invitation/accept",
                &[
                    ("token", &token),
                    ("password", password),
                    ("confirmation", confirmation),
                ],
            )
            .await
        }
    };
    let old = accept(first, "una clave larga", "una clave larga").await;
    assert!(!old.status().is_success(), "the first link ended");
    let mismatch = accept(second.clone(), "una clave larga", "otra clave larga").await;
    assert!(!mismatch.status().is_success(), "the two must match");
    let short = accept(second.clone(), "corta", "corta").await;
    assert!(!short.status().is_success(), "too short");
    let res = app
        .call(None, "invitation/show", &[("token", &second)])
        .await;
    let shown: Value = res.json().await.unwrap();
    assert_eq!(shown["email"], "nora@example.org", "still good: {shown}");
    let res = app
        .call(None, "invitation/show", &[("token", "no-such-link")])
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), Value::Null, "no good");
    let accepted = accept(second.clone(), "una clave larga", "una clave larga").await;
    assert!(accepted.status().is_success(), "{}", accepted.status());
    let cookie = session_cookie(accepted.headers().get(http::header::SET_COOKIE));
    assert!(cookie.is_some(), "she is signed in");
    let again = accept(second, "otra clave más", "otra clave más").await;
    assert!(!again.status().is_success(), "a link works once");
    app.sign_in_with("nora@example.org", "una clave larga")
        .await;
    let (_, listed) = send(&admin, Method::GET, at("/agents"), None).await;
    let row = listed_agent(&listed, nora_id);
    assert_eq!(row["confirmed"], true);

    // Changing and removing her.
    let path = at(&format!("/agents/{nora_id}"));
    let (status, _) = send(
        &lucia,
        Method::PATCH,
        path.clone(),
        Some(json!({"role": "administrator"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, bad) = send(
        &admin,
        Method::PATCH,
        path.clone(),
        Some(json!({"role": "owner"})),
    )
    .await;
    assert_eq!(status, 422, "{bad}");
    let (status, changed) = send(
        &admin,
        Method::PATCH,
        path.clone(),
        Some(json!({"role": "administrator", "availability_status": "busy"})),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["role"], "administrator");
    assert_eq!(changed["availability_status"], "busy");
    let (status, _) = send(&admin, Method::DELETE, path.clone(), None).await;
    assert_eq!(status, 200);
    let (_, listed) = send(&admin, Method::GET, at("/agents"), None).await;
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == nora_id),
        "removed from the list"
    );
    let (status, _) = send(&admin, Method::DELETE, path, None).await;
    assert_eq!(status, 404, "already gone");
    let refused = app
        .call(
            None,
            "login",
            &[
                ("email", "nora@example.org"),
                ("password", "una clave larga"),
            ],
        )
        .await;
    assert!(!refused.status().is_success(), "no sign-in once removed");
    // An invited administrator who has not come in does not keep the account administered.
    let (status, olga) = send(
        &admin,
        Method::POST,
        at("/agents"),
        Some(json!({"name": "Olga", "email": "olga@example.org", "role": "administrator"})),
    )
    .await;
    assert_eq!(status, 200, "{olga}");
    let (status, refused) = send(
        &admin,
        Method::PATCH,
        at(&format!("/agents/{}", olga["id"])),
        Some(json!({"availability_status": "online"})),
    )
    .await;
    assert_eq!(status, 422, "not online before she comes in: {refused}");
    // Deactivated and reactivated, her old link stays dead.
    let old: String = app
        .ok(
            &admin_session.cookie,
            "team/invitation_link",
            json!({"id": olga["id"]}),
        )
        .await;
    for active in [false, true] {
        let _: () = app
            .ok(
                &admin_session.cookie,
                "team/update_agent",
                json!({"id": olga["id"], "role": "administrator", "active": active}),
            )
            .await;
    }
    let dead = accept(token(&old), "una clave larga", "una clave larga").await;
    assert!(
        !dead.status().is_success(),
        "the link ended with the deactivation"
    );
    let me = app.agent_id(ADMIN).await;
    let (status, last) = send(&admin, Method::DELETE, at(&format!("/agents/{me}")), None).await;
    assert_eq!(status, 422, "the last administrator stays: {last}");

    // Her own profile through the API.
    let (status, mine) = send(
        &lucia,
        Method::PUT,
        "/api/v1/profile".into(),
        Some(
            json!({"profile": {"display_name": "Lu", "availability": "busy",
                                "message_signature": "— Lucía"}}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["display_name"], "Lu");
    assert_eq!(mine["available_name"], "Lu");
    assert_eq!(mine["availability_status"], "busy");
    assert_eq!(mine["message_signature"], "— Lucía");
    let (status, refused) = send(
        &lucia,
        Method::PUT,
        "/api/v1/profile".into(),
        Some(json!({"name": "", "display_name": "Otra"})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["name"]));
    let (status, refused) = send(
        &lucia,
        Method::PUT,
        "/api/v1/profile".into(),
        Some(json!({"profile": {"password": "nueva clave larga", "current_password": "x"}})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (_, kept) = send(&lucia, Method::GET, "/api/v1/profile".into(), None).await;
    assert_eq!(
        kept["display_name"], "Lu",
        "a refused change changes nothing"
    );
}
