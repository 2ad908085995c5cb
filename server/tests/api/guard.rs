//! Cross-site requests refused, security headers, who may frame what.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::widget::WidgetSent;

on_both_backends!(
    cross_site_calls_change_nothing,
    dashboard_is_never_framed_and_the_widget_only_where_allowed
);

async fn cross_site_calls_change_nothing(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": null, "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let lucia = app.sign_in(LUCIA).await;
    let messages = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
    };
    let before = messages().await;
    let body = json!({"conversation_id": conversation, "body": "enviado por otra web", "private": false,
        "idempotency_key": null, "mentions": []});
    let post = |headers: Vec<(&'static str, String)>| {
        let mut req = client()
            .post(app.url("/api/conversations/send"))
            .header("cookie", &lucia.cookie)
            .json(&body);
        for (name, value) in headers {
            req = req.header(name, value);
        }
        req.send()
    };
    // A page on another site posting with the agent's cookie.
    let res = post(vec![("sec-fetch-site", "cross-site".into())])
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = post(vec![("origin", "https://evil.example".into())])
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = post(vec![("origin", "null".into())]).await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(messages().await, before, "nothing was stored");
    // Charla's own page.
    let res = post(vec![
        ("sec-fetch-site", "same-origin".into()),
        ("origin", format!("http://{}", app.addr)),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(messages().await, before + 1);
    // Uploads and the agents' socket too.
    let res = client()
        .post(app.url(&format!(
            "/api/uploads?conversation_id={conversation}&name=a.pdf"
        )))
        .header("cookie", &lucia.cookie)
        .header("sec-fetch-site", "cross-site")
        .body(b"%PDF-1.4\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = client()
        .get(app.url("/api/live"))
        .header("cookie", &lucia.cookie)
        .header("origin", "https://evil.example")
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Reading a file stays a plain GET (images load from other tabs' links).
    let attachments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(attachments, 0);
}

async fn dashboard_is_never_framed_and_the_widget_only_where_allowed(app: TestApp) {
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let res = client().get(app.url("/login")).send().await.unwrap();
    assert!(header(&res, "content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header(&res, "x-frame-options"), "DENY");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert!(header(&res, "permissions-policy").contains("microphone=(self)"));
    // Scripts only by this response's nonce: every script Leptos wrote has it,
    // and the next response has another.
    let policy = header(&res, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {policy}"))
        .to_owned();
    assert!(policy.contains("'strict-dynamic'") && policy.contains("'wasm-unsafe-eval'"));
    assert!(!policy.contains("script-src 'unsafe-inline'"), "{policy}");
    let html = res.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the page has its hydration script");
    for script in scripts {
        let (tag, rest) = script.split_once('>').unwrap_or_default();
        // An empty inline script (leptos_i18n's placeholder for embedded
        // translations) is never run, so CSP does not judge it.
        if !tag.contains("src=") && rest.starts_with("</script>") {
            continue;
        }
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "<script{tag}> has no nonce"
        );
    }
    let again = client().get(app.url("/login")).send().await.unwrap();
    assert!(!header(&again, "content-security-policy").contains(&nonce));

    let token = app.web_chat_token().await;
    let res = client()
        .get(app.url(&format!("/widget/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-security-policy").contains("frame-ancestors *;"));
    assert_eq!(header(&res, "x-frame-options"), "");

    // An inbox that lists its sites: only those (and Charla itself) may frame it.
    sqlx::query("UPDATE inboxes SET settings = $1 WHERE web_token = $2")
        .bind(r##"{"colour":"#1f6feb","greeting":"","allowed_origins":["https://shop.example","https://www.shop.example:8443"]}"##)
        .bind(&token)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let res = client()
        .get(app.url(&format!("/widget/{token}")))
        .send()
        .await
        .unwrap();
    assert!(
        header(&res, "content-security-policy")
            .contains("frame-ancestors 'self' https://shop.example https://www.shop.example:8443;"),
        "{}",
        header(&res, "content-security-policy")
    );
}
