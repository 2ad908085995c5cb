//! Channel secrets follow their host (SECURITY.md): with the server's default policy,
//! SMTP, IMAP and the Graph API never connect to a loopback or private address (a name
//! resolving to one included) and the Graph base URL is Meta's host; "Probar conexión"
//! and template sync tell the browser what failed in Charla's words only.
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::fake_graph::{FakeGraph, PHONE_ID, WABA_ID};
use crate::helpers::{spawn_app_with, Backend, TestApp, ADMIN};
use crate::on_both_backends;

/// Words a hostile or chatty server answers with; they must never reach the browser.
const BANNER: &str = "internal-banner-8f3a secret text";

/// A TCP server on loopback that counts connections and speaks just enough SMTP or IMAP
/// to greet and refuse, in [`BANNER`]'s words.
struct Listener {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

#[derive(Clone, Copy)]
enum Speaks {
    Smtp,
    Imap,
}

impl Listener {
    async fn start(speaks: Speaks) -> Listener {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read).lines();
                    match speaks {
                        // Refused at the greeting, as a server that wants nobody would.
                        Speaks::Smtp => {
                            let _ = write
                                .write_all(format!("554 5.7.1 {BANNER}\r\n").as_bytes())
                                .await;
                        }
                        // Greets, then refuses every login.
                        Speaks::Imap => {
                            let _ = write
                                .write_all(
                                    format!("* OK [CAPABILITY IMAP4rev1] {BANNER}\r\n").as_bytes(),
                                )
                                .await;
                            while let Ok(Some(line)) = lines.next_line().await {
                                let tag = line.split(' ').next().unwrap_or("*").to_owned();
                                let _ = write
                                    .write_all(
                                        format!("{tag} NO [AUTHENTICATIONFAILED] {BANNER}\r\n")
                                            .as_bytes(),
                                    )
                                    .await;
                            }
                        }
                    }
                });
            }
        });
        Listener { port, accepted }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

async fn inbox_of(app: &TestApp, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = $1 ORDER BY id LIMIT 1")
        .bind(kind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

fn email_settings(inbox: i64, smtp: (&str, u16), imap: (&str, u16)) -> Value {
    json!({"id": inbox, "settings": {
        "from_name": "Soporte", "from_address": "soporte@tienda.example",
        "smtp": {"host": smtp.0, "port": smtp.1, "security": "none", "user": "soporte"},
        "smtp_password": "clave-smtp",
        "imap": {"host": imap.0, "port": imap.1, "security": "none", "user": "soporte"},
        "imap_password": "clave-imap", "imap_mailbox": "INBOX", "poll_interval_secs": 60}})
}

fn whatsapp_settings(inbox: i64, base_url: &str) -> Value {
    json!({"id": inbox, "settings": {
        "phone_number_id": PHONE_ID, "business_account_id": WABA_ID,
        "api_base_url": base_url, "api_version": "v21.0",
        "access_token": "EAAG-a-token", "app_secret": "", "verify_token": ""}})
}

/// A refusal's (status, field, code), and its body for what it must not say.
async fn refusal(res: reqwest::Response) -> (u16, String, String, String) {
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    match serde_json::from_str::<app::error::AppError>(&body) {
        Ok(app::error::AppError::Validation { field, code }) => (status, field, code, body),
        _ => (status, String::new(), String::new(), body),
    }
}

/// The server's default policy (no private addresses), Graph hosts as given.
async fn strict_app(backend: Backend, graph_hosts: &[&str]) -> Option<TestApp> {
    let graph_hosts: Vec<String> = graph_hosts.iter().map(|h| h.to_string()).collect();
    spawn_app_with(backend, move |config| {
        config.outbound = app::channels::outbound::OutboundPolicy {
            allow_private: false,
            graph_hosts,
        };
    })
    .await
}

/// SMTP and IMAP: an address literal on loopback or a private network is refused on
/// save; a name that resolves to loopback is saved but refused at "Probar conexión",
/// with the generic code, and nothing reaches the server listening there.
async fn email_servers_on_private_addresses_are_refused(app: TestApp) {
    let smtp = Listener::start(Speaks::Smtp).await;
    let imap = Listener::start(Speaks::Imap).await;
    let inbox = inbox_of(&app, "email").await;
    let admin = app.sign_in(ADMIN).await;
    for (settings, field) in [
        (
            email_settings(inbox, ("127.0.0.1", smtp.port), ("mail.example.com", 993)),
            "smtp.host",
        ),
        (
            email_settings(inbox, ("smtp.example.com", 587), ("10.0.0.5", imap.port)),
            "imap.host",
        ),
        (
            email_settings(inbox, ("[::1]", smtp.port), ("mail.example.com", 993)),
            "smtp.host",
        ),
        (
            email_settings(inbox, ("169.254.169.254", 25), ("mail.example.com", 993)),
            "smtp.host",
        ),
    ] {
        let res = app
            .call_json(Some(&admin.cookie), "team/save_email", settings)
            .await;
        let (status, got_field, code, body) = refusal(res).await;
        assert_eq!(
            (status, got_field.as_str(), code.as_str()),
            (422, field, "address_not_allowed"),
            "{body}"
        );
    }
    // A name is judged by the addresses it resolves to, when it is used.
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_email",
            email_settings(inbox, ("localhost", smtp.port), ("localhost", imap.port)),
        )
        .await;
    for server in ["smtp", "imap"] {
        let res = app
            .call_json(
                Some(&admin.cookie),
                "team/test_email",
                json!({"id": inbox, "server": server}),
            )
            .await;
        let (status, field, code, body) = refusal(res).await;
        assert_eq!(
            (status, field.as_str(), code.as_str()),
            (422, server, "address_not_allowed"),
            "{body}"
        );
        assert!(
            !body.contains("localhost") && !body.contains("127.0.0.1"),
            "{body}"
        );
    }
    // The server's own poller, watching this inbox, is refused in the same way.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.accepted(), 0, "the SMTP listener was reached");
    assert_eq!(imap.accepted(), 0, "the IMAP listener was reached");
}

/// The Graph base URL is https on Meta's host unless the server names another host;
/// a named host is still subject to the address rule when its name is resolved, so the
/// token never leaves for loopback.
async fn graph_base_url_is_metas_unless_allowed(app: TestApp) {
    let inbox = inbox_of(&app, "whatsapp").await;
    let admin = app.sign_in(ADMIN).await;
    for (url, want) in [
        ("http://evil.example", "host_not_allowed"),
        ("https://evil.example", "host_not_allowed"),
        ("https://127.0.0.1", "host_not_allowed"),
        ("http://graph.facebook.com", "host_not_allowed"),
        ("https://graph.facebook.com@evil.example", "invalid"),
    ] {
        let res = app
            .call_json(
                Some(&admin.cookie),
                "team/save_whatsapp",
                whatsapp_settings(inbox, url),
            )
            .await;
        let (status, field, code, body) = refusal(res).await;
        assert_eq!(
            (status, field.as_str(), code.as_str()),
            (422, "api_base_url", want),
            "{url}: {body}"
        );
    }
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_whatsapp",
            whatsapp_settings(inbox, "https://graph.facebook.com"),
        )
        .await;
    // This server names `localhost` as a Graph host, but it resolves to loopback.
    let listener = Listener::start(Speaks::Smtp).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_whatsapp",
            whatsapp_settings(inbox, &format!("http://localhost:{}", listener.port)),
        )
        .await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/sync_templates",
            json!({"id": inbox}),
        )
        .await;
    let (status, field, code, body) = refusal(res).await;
    assert_eq!(
        (status, field.as_str(), code.as_str()),
        (422, "graph", "address_not_allowed"),
        "{body}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(listener.accepted(), 0, "the token went to loopback");
}

async fn strict_email(backend: Backend) {
    if let Some(app) = strict_app(backend, &[]).await {
        email_servers_on_private_addresses_are_refused(app).await;
    }
}

async fn strict_graph(backend: Backend) {
    if let Some(app) = strict_app(backend, &["localhost"]).await {
        graph_base_url_is_metas_unless_allowed(app).await;
    }
}

mod with_the_default_policy {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn email_sqlite() {
        super::strict_email(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn email_postgres() {
        super::strict_email(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn graph_sqlite() {
        super::strict_graph(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn graph_postgres() {
        super::strict_graph(Backend::Postgres).await;
    }
}

/// Where connections are allowed (the test servers): a server's refusal reaches the
/// browser as a code, never in the server's own words.
async fn connection_failures_are_told_in_charlas_words(app: TestApp) {
    let smtp = Listener::start(Speaks::Smtp).await;
    let imap = Listener::start(Speaks::Imap).await;
    let inbox = inbox_of(&app, "email").await;
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_email",
            email_settings(inbox, ("127.0.0.1", smtp.port), ("127.0.0.1", imap.port)),
        )
        .await;
    for (server, want) in [("smtp", "failed"), ("imap", "auth_failed")] {
        let res = app
            .call_json(
                Some(&admin.cookie),
                "team/test_email",
                json!({"id": inbox, "server": server}),
            )
            .await;
        let (status, field, code, body) = refusal(res).await;
        assert_eq!(
            (status, field.as_str(), code.as_str()),
            (422, server, want),
            "{body}"
        );
        assert!(!body.contains("internal-banner"), "{server}: {body}");
    }
    assert!(smtp.accepted() >= 1 && imap.accepted() >= 1);
    // Nothing listens here any more: "could not connect".
    let closed = {
        let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        probe.local_addr().unwrap().port()
    };
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_email",
            email_settings(inbox, ("127.0.0.1", closed), ("127.0.0.1", imap.port)),
        )
        .await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/test_email",
            json!({"id": inbox, "server": "smtp"}),
        )
        .await;
    let (status, _, code, body) = refusal(res).await;
    assert_eq!((status, code.as_str()), (422, "unreachable"), "{body}");
    assert!(
        !body.contains("refused") && !body.contains("os error"),
        "{body}"
    );

    // Template sync: Meta's refusal of a token is told as "failed", not in Meta's words.
    let fake = FakeGraph::start().await;
    let whatsapp = inbox_of(&app, "whatsapp").await;
    let mut settings = whatsapp_settings(whatsapp, &fake.base_url());
    settings["settings"]["access_token"] = json!("EAAG-not-the-right-token");
    let _: () = app.ok(&admin.cookie, "team/save_whatsapp", settings).await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/sync_templates",
            json!({"id": whatsapp}),
        )
        .await;
    let (status, field, code, body) = refusal(res).await;
    assert_eq!(
        (status, field.as_str(), code.as_str()),
        (422, "graph", "failed"),
        "{body}"
    );
    assert!(!body.contains("OAuth") && !body.contains("190"), "{body}");
}

on_both_backends!(connection_failures_are_told_in_charlas_words);
