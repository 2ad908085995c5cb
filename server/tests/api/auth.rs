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
    sign_in_is_throttled_per_account,
    sign_in_is_throttled_per_address,
    a_burst_of_sign_ins_checks_only_the_limit,
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

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.call(None, "login", &[("email", email), ("password", password)])
        .await
}

/// The error of a refused sign-in, with the `Retry-After` header when there is one.
async fn refusal(res: reqwest::Response) -> (StatusCode, Option<i64>, AppError) {
    let status = res.status();
    let retry_after = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry_after, res.json().await.unwrap())
}

async fn sign_in_is_throttled_per_account(app: TestApp) {
    let window = app.state.settings.sign_in.window_secs;
    let limit = app.state.settings.sign_in.per_account;
    // A success forgives the account's earlier failures.
    for _ in 1..limit {
        assert_eq!(
            login(&app, LUCIA, "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(login(&app, LUCIA, PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..limit {
        assert_eq!(
            login(&app, LUCIA, "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // At the limit even the right password is refused, with how long to wait…
    let (status, retry_after, err) =
        refusal(login(&app, "Lucia@Charla.local", PASSWORD).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let AppError::RateLimited { retry_after_secs } = err else {
        panic!("{err:?}")
    };
    assert!(
        retry_after_secs > window - 60 && retry_after_secs <= window,
        "{retry_after_secs}"
    );
    assert_eq!(retry_after, Some(retry_after_secs));
    // …and an address nobody has is throttled the same way (no user enumeration).
    for _ in 0..limit {
        assert_eq!(
            login(&app, "nobody@charla.local", "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, _, _) = refusal(login(&app, "nobody@charla.local", PASSWORD).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not locked by it.
    assert_eq!(login(&app, MARCOS, PASSWORD).await.status(), StatusCode::OK);
    // Once the failures leave the window, the account can sign in again.
    sqlx::query("UPDATE sign_in_failures SET at = at - $1")
        .bind(window * 1000)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(login(&app, LUCIA, PASSWORD).await.status(), StatusCode::OK);
}

async fn sign_in_is_throttled_per_address(app: TestApp) {
    let limit = app.state.settings.sign_in.per_address;
    // A guessing run over many accounts from one address; the X-Forwarded-For it
    // invents is ignored (Charla is not configured to trust a proxy).
    for n in 0..limit {
        let res = client()
            .post(app.url("/api/login"))
            .header("x-forwarded-for", format!("10.0.0.{n}"))
            .form(&[
                ("email", format!("guess{n}@charla.local")),
                ("password", "x".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let (status, _, err) = refusal(login(&app, MARCOS, PASSWORD).await).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
    assert_eq!(count_sessions(&app).await, 0);
}

/// Many guesses at once: each is counted before its password is checked, so exactly
/// the limit is checked (the rest refused at once, 429), per account and per address.
async fn a_burst_of_sign_ins_checks_only_the_limit(app: TestApp) {
    let limits = app.state.settings.sign_in;
    let statuses = |emails: Vec<String>| {
        let app = &app;
        async move {
            let calls = emails
                .into_iter()
                .map(|email| async move { login(app, &email, "wrong-guess").await.status() });
            futures::future::join_all(calls).await
        }
    };
    let tally =
        |list: &[StatusCode], wanted: StatusCode| list.iter().filter(|s| **s == wanted).count();
    let one_account = statuses(vec![LUCIA.to_owned(); 40]).await;
    assert_eq!(
        tally(&one_account, StatusCode::UNAUTHORIZED),
        limits.per_account as usize,
        "checked: {one_account:?}"
    );
    assert_eq!(
        tally(&one_account, StatusCode::TOO_MANY_REQUESTS),
        40 - limits.per_account as usize
    );
    let attempts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sign_in_failures WHERE scope = 'account' AND key = $1",
    )
    .bind(LUCIA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(attempts, i64::from(limits.per_account));
    // Random emails from one address: the address's limit, counting those above.
    let random: Vec<String> = (0..60).map(|n| format!("azar{n}@charla.local")).collect();
    let many = statuses(random).await;
    assert_eq!(
        tally(&many, StatusCode::UNAUTHORIZED),
        (limits.per_address - limits.per_account) as usize,
        "checked: {many:?}"
    );
    assert_eq!(count_sessions(&app).await, 0);
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
