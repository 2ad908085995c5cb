//! Chatwoot's password sign-in for its clients (`/auth/sign_in`, `validate_token`,
//! `sign_out`, devise_token_auth's routes, which Chatwoot's mobile app calls), and the
//! API taking the headers it hands out, on both databases.
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_client_signs_in_with_a_password_and_calls_with_its_headers,
    sessions_a_client_holds_end_as_page_sessions_do,
    the_mobile_app_sets_her_status_and_account,
);

/// The headers a client keeps from its sign-in (Chatwoot's mobile app keeps these three).
#[derive(Clone)]
struct Device {
    token: String,
    client: String,
    uid: String,
}

async fn sign_in(app: &TestApp, body: Value) -> (StatusCode, HeaderMap, Value) {
    let res = client()
        .post(app.url("/auth/sign_in"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.json().await.unwrap())
}

async fn device(app: &TestApp, email: &str) -> Device {
    let (status, headers, body) = sign_in(app, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(status, 200, "{body}");
    let header = |name: &str| headers[name].to_str().unwrap().to_owned();
    Device {
        token: header("access-token"),
        client: header("client"),
        uid: header("uid"),
    }
}

async fn call(app: &TestApp, device: &Device, method: Method, path: &str) -> (StatusCode, Value) {
    send(app, device, method, path, None).await
}

async fn send(
    app: &TestApp,
    device: &Device,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client()
        .request(method, app.url(path))
        .header("access-token", &device.token)
        .header("client", &device.client)
        .header("uid", &device.uid);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let res = request.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn a_client_signs_in_with_a_password_and_calls_with_its_headers(app: TestApp) {
    let account = app.account_id().await;
    // A wrong password, an unknown address, nothing at all: Chatwoot's refusal, no headers.
    for body in [
        json!({"email": LUCIA, "password": "not-hers"}),
        json!({"email": "nadie@charla.local", "password": PASSWORD}),
        json!({}),
    ] {
        let (status, headers, answer) = sign_in(&app, body).await;
        assert_eq!(
            (status.as_u16(), answer),
            (
                401,
                json!({"success": false, "errors": ["Invalid login credentials. Please try again."]})
            )
        );
        assert!(headers.get("access-token").is_none());
    }

    // The address in any case, as the sign-in page takes it.
    let (status, headers, answer) = sign_in(
        &app,
        json!({"email": " Lucia@Charla.Local ", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    for name in ["access-token", "client", "uid", "expiry", "authorization"] {
        assert!(headers.get(name).is_some(), "no {name} header");
    }
    assert_eq!(headers["token-type"], "Bearer");
    assert_eq!(headers["uid"], LUCIA);
    let user = &answer["data"];
    assert_eq!(user["email"], LUCIA);
    assert_eq!(user["uid"], LUCIA);
    assert_eq!(user["provider"], "email");
    assert_eq!(user["role"], "agent");
    assert_eq!(user["account_id"], account);
    assert_eq!(user["accounts"][0]["id"], account);
    // Her API token, the same Mi perfil shows, opens the API as well.
    assert_eq!(user["access_token"], app.api_token(LUCIA).await);
    let expiry: i64 = headers["expiry"].to_str().unwrap().parse().unwrap();
    let ttl = app.state.settings.session_ttl_secs;
    let now = app::db::now_ms() / 1000;
    assert!(
        (now + ttl - 5..=now + ttl).contains(&expiry),
        "expiry {expiry}"
    );

    let lucia = device(&app, LUCIA).await;
    let (status, profile) = call(&app, &lucia, Method::GET, "/api/v1/profile").await;
    assert_eq!((status.as_u16(), &profile["email"]), (200, &json!(LUCIA)));
    let conversations = format!("/api/v1/accounts/{account}/conversations");
    let (status, list) = call(&app, &lucia, Method::GET, &conversations).await;
    assert_eq!(status, 200, "{list}");
    assert!(list["data"]["meta"]["all_count"].as_i64().unwrap() > 0);
    // Her account only.
    let other = format!("/api/v1/accounts/{}/conversations", account + 1);
    assert_eq!(call(&app, &lucia, Method::GET, &other).await.0, 401);

    // The token alone, or with another client id or another agent's uid, opens nothing.
    let stolen = [
        Device {
            client: "another-client".into(),
            ..lucia.clone()
        },
        Device {
            uid: MARCOS.into(),
            ..lucia.clone()
        },
        Device {
            token: "made-up".into(),
            ..lucia.clone()
        },
    ];
    for forged in &stolen {
        let (status, answer) = call(&app, forged, Method::GET, "/api/v1/profile").await;
        assert_eq!(
            (status.as_u16(), answer),
            (
                401,
                json!({"errors": ["You need to sign in or sign up before continuing."]})
            )
        );
        let (status, answer) = call(&app, forged, Method::GET, "/auth/validate_token").await;
        assert_eq!(
            (status.as_u16(), answer),
            (
                401,
                json!({"success": false, "errors": ["Invalid login credentials"]})
            )
        );
    }
    // Only hashes are stored.
    let stored: Vec<(String,)> =
        sqlx::query_as("SELECT token_hash FROM sessions WHERE device_client IS NOT NULL")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|(h,)| *h != lucia.token));

    // The Authorization header devise_token_auth also answers with carries all three.
    let bearer = headers["authorization"].to_str().unwrap().to_owned();
    let res = client()
        .get(app.url("/api/v1/profile"))
        .header("authorization", bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // A client's token is no page session (it is kept where scripts can read it), and
    // a page's cookie token is no client's.
    let as_cookie = format!("charla_session={}", lucia.token);
    let res = app
        .call_json(Some(&as_cookie), "profile/access_token", json!({}))
        .await;
    assert_eq!(res.status(), 401);
    let page = app.sign_in(LUCIA).await;
    let cookie_token = page.cookie.split_once('=').unwrap().1.to_owned();
    let as_client = Device {
        token: cookie_token,
        ..lucia.clone()
    };
    assert_eq!(
        call(&app, &as_client, Method::GET, "/api/v1/profile")
            .await
            .0,
        401
    );

    // The check answers with the same headers again (the token does not rotate).
    let res = client()
        .get(app.url("/auth/validate_token"))
        .header("access-token", &lucia.token)
        .header("client", &lucia.client)
        .header("uid", &lucia.uid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-token"], lucia.token.as_str());
    assert_eq!(res.headers()["client"], lucia.client.as_str());
    let (status, checked) = call(&app, &lucia, Method::GET, "/auth/validate_token").await;
    assert_eq!(status, 200);
    assert_eq!(checked["payload"]["success"], true);
    assert_eq!(checked["payload"]["data"]["email"], LUCIA);
}

async fn sessions_a_client_holds_end_as_page_sessions_do(app: TestApp) {
    let phone = device(&app, MARCOS).await;
    let tablet = device(&app, MARCOS).await;
    assert_ne!(phone.client, tablet.client);

    // Signing out ends that client's session only.
    let (status, answer) = call(&app, &phone, Method::DELETE, "/auth/sign_out").await;
    assert_eq!((status.as_u16(), answer), (200, json!({"success": true})));
    assert_eq!(
        call(&app, &phone, Method::GET, "/api/v1/profile").await.0,
        401
    );
    let (status, answer) = call(&app, &phone, Method::DELETE, "/auth/sign_out").await;
    assert_eq!(
        (status.as_u16(), answer),
        (
            404,
            json!({"success": false, "errors": ["User was not found or was not logged in."]})
        )
    );
    assert_eq!(
        call(&app, &tablet, Method::GET, "/api/v1/profile").await.0,
        200
    );

    // A password changed from the dashboard ends every other session, this one too.
    let page = app.sign_in(MARCOS).await;
    let _: () = app
        .ok(
            &page.cookie,
            "profile/password",
            json!({"current": PASSWORD, "new": "nueva-clave-1"}),
        )
        .await;
    assert_eq!(
        call(&app, &tablet, Method::GET, "/api/v1/profile").await.0,
        401
    );
    let (status, ..) = sign_in(&app, json!({"email": MARCOS, "password": PASSWORD})).await;
    assert_eq!(status, 401, "the old password no longer signs in");

    // At most ten clients at once: an eleventh sign-in ends the session nearest its end.
    let mut clients = Vec::new();
    for _ in 0..11 {
        clients.push(device(&app, LUCIA).await);
    }
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s JOIN agents a ON a.id = s.agent_id \
         WHERE a.email = $1 AND s.device_client IS NOT NULL",
    )
    .bind(LUCIA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(live, 10);
    assert_eq!(
        call(
            &app,
            clients.last().unwrap(),
            Method::GET,
            "/api/v1/profile"
        )
        .await
        .0,
        200
    );
}

async fn the_mobile_app_sets_her_status_and_account(app: TestApp) {
    let account = app.account_id().await;
    let lucia = device(&app, LUCIA).await;
    let status = |availability: Value, account_id: Value| json!({"profile": {"availability": availability, "account_id": account_id}});
    let path = "/api/v1/profile/availability";
    let (code, profile) = send(
        &app,
        &lucia,
        Method::POST,
        path,
        Some(status(json!("busy"), json!(account))),
    )
    .await;
    assert_eq!(code, 200, "{profile}");
    assert_eq!(profile["availability_status"], "busy");
    assert_eq!(profile["accounts"][0]["availability"], "busy");
    let (_, read) = call(&app, &lucia, Method::GET, "/api/v1/profile").await;
    assert_eq!(read["availability_status"], "busy");
    // Refused, and nothing changes: another account, no status, a status that is none.
    for (body, expected) in [
        (status(json!("online"), json!(account + 1)), 404),
        (json!({"profile": {"account_id": account}}), 422),
        (status(json!("dormida"), json!(account)), 422),
    ] {
        let (code, answer) = send(&app, &lucia, Method::POST, path, Some(body)).await;
        assert_eq!(code.as_u16(), expected, "{answer}");
    }
    let (_, read) = call(&app, &lucia, Method::GET, "/api/v1/profile").await;
    assert_eq!(read["availability_status"], "busy");

    let path = "/api/v1/profile/set_active_account";
    let body = |id: i64| Some(json!({"profile": {"account_id": id}}));
    assert_eq!(
        send(&app, &lucia, Method::POST, path, body(account))
            .await
            .0,
        200
    );
    assert_eq!(
        send(&app, &lucia, Method::POST, path, body(account + 1))
            .await
            .0,
        404
    );
    assert_eq!(
        send(&app, &lucia, Method::POST, path, Some(json!({})))
            .await
            .0,
        422
    );
}
