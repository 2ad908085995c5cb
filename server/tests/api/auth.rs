//! Signing in and out, and what a request without a session may reach.
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::helpers::*;
use crate::on_both_backends;
use app::error::AppError;

on_both_backends!(
    sign_in_opens_a_server_side_session,
    wrong_credentials_are_refused_alike,
    pages_and_functions_need_a_session,
    sign_out_ends_the_session,
    demo_data_is_seeded_once,
);

async fn sign_in_opens_a_server_side_session(app: TestApp) {
    let res = app
        .call(
            None,
            "login",
            &[("email", " Lucia@Charla.Local "), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = session_cookie(res.headers().get(SET_COOKIE)).unwrap();

    let res = app.call(Some(&cookie), "session", &[]).await;
    let info: Option<app::auth::SessionInfo> = res.json().await.unwrap();
    let info = info.expect("a session");
    assert_eq!(info.agent.email, LUCIA);
    assert_eq!(info.agent.name, "Lucía Fernández");

    // Only a hash of the token is stored.
    let token = cookie.trim_start_matches("charla_session=");
    let stored: i64 =
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(token)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);

    // A second sign-in from the same browser replaces its session (rotation).
    let res = app
        .call(
            Some(&cookie),
            "login",
            &[("email", LUCIA), ("password", PASSWORD)],
        )
        .await;
    let rotated = session_cookie(res.headers().get(SET_COOKIE)).unwrap();
    assert_ne!(rotated, cookie);
    let old: Option<app::auth::SessionInfo> = app
        .call(Some(&cookie), "session", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(old.is_none(), "the previous session must end at sign-in");
}

async fn wrong_credentials_are_refused_alike(app: TestApp) {
    let sessions_before = count_sessions(&app).await;
    for (email, password) in [
        (LUCIA, "wrong-password"),
        ("nobody@charla.local", PASSWORD),
        ("", ""),
    ] {
        let res = app
            .call(None, "login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{email}");
        assert!(res.headers().get(SET_COOKIE).is_none());
        let err: AppError = res.json().await.unwrap();
        // The same answer whether or not the address exists: no user enumeration.
        assert_eq!(err, AppError::InvalidCredentials);
    }
    assert_eq!(count_sessions(&app).await, sessions_before);
}

async fn pages_and_functions_need_a_session(app: TestApp) {
    for page in ["/", "/conversations", "/contacts", "/settings"] {
        let res = client().get(app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(res.headers()[LOCATION], "/login", "{page}");
    }
    let res = client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Iniciar sesión"),
        "login page in Spanish by default"
    );

    for endpoint in ["list_team", "set_availability"] {
        let res = app.call(None, endpoint, &[("availability", "busy")]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        let err: AppError = res.json().await.unwrap();
        assert_eq!(err, AppError::Unauthorized);
    }
    // A forged cookie is no session either.
    let res = app
        .call(Some("charla_session=forged"), "list_team", &[])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let agent = app.sign_in(LUCIA).await;
    let res = client()
        .get(app.url("/settings"))
        .header("cookie", &agent.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Lucía Fernández"));
}

async fn sign_out_ends_the_session(app: TestApp) {
    let agent = app.sign_in(LUCIA).await;
    let res = app.call(Some(&agent.cookie), "logout", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cleared = res.headers().get(SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // Replaying the old cookie gets nothing.
    let res = app.call(Some(&agent.cookie), "list_team", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(count_sessions(&app).await, 0);
}

async fn demo_data_is_seeded_once(app: TestApp) {
    let again = app::db::seed::seed_demo_if_empty(&app.state.db)
        .await
        .unwrap();
    assert!(!again, "seeding twice must not happen");
    app.state
        .db
        .migrate()
        .await
        .expect("migrations are idempotent");
    let count = |sql: &'static str| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM agents").await, 3);
    assert_eq!(count("SELECT COUNT(*) FROM inboxes").await, 3);
    assert_eq!(
        count("SELECT COUNT(DISTINCT channel_kind) FROM inboxes").await,
        3,
        "one inbox of each kind"
    );
    assert!(count("SELECT COUNT(*) FROM conversations").await >= 5);
    assert!(count("SELECT COUNT(*) FROM messages").await >= 10);
    assert_eq!(count("SELECT COUNT(*) FROM whatsapp_templates").await, 2);
}

async fn count_sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}
