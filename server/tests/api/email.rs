//! The email channel against real mail servers on loopback (Dovecot for IMAP,
//! OpenSMTPD for SMTP, started by `scripts/mail-servers.sh`): replies arrive in the
//! customer's mailbox with threading headers, an SMTP outage is retried until the
//! server is back.
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::helpers::{TestApp, ADMIN, MARCOS};
use crate::on_both_backends;
use app::channels::email::imap;
use app::conversations::model::{ConversationSummary, MessageView};
use app::domain::email_inbox::{Security, ServerSettings};

pub const SMTP_PORT: u16 = 2525;
pub const IMAP_PORT: u16 = 1143;
pub const PASSWORD: &str = "secreto";

/// The mail servers answer, or the reason the tests skip.
pub async fn mail_servers() -> bool {
    for port in [SMTP_PORT, IMAP_PORT] {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            eprintln!("SKIPPED (email): nothing listens on 127.0.0.1:{port}; run `bash scripts/mail-servers.sh start`");
            return false;
        }
    }
    true
}

/// A mailbox nobody else uses (Dovecot accepts any address).
pub fn address(who: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{who}.{}.{}.{}@example.org",
        std::process::id(),
        app::db::now_ms() % 1_000_000,
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn mailbox_of(user: &str) -> ServerSettings {
    ServerSettings {
        host: "127.0.0.1".into(),
        port: IMAP_PORT,
        security: Security::None,
        user: user.into(),
    }
}

/// Every message in a mailbox (waits up to 15 s for `at_least` to arrive; a guard, not a timing).
pub async fn read_mailbox(user: &str, at_least: usize) -> Vec<mail_parser::Message<'static>> {
    for _ in 0..150 {
        let mut session = imap::login(&mailbox_of(user), PASSWORD)
            .await
            .expect("IMAP login");
        let found = imap::unseen(&mut session, "INBOX")
            .await
            .expect("IMAP fetch");
        let _ = session.logout().await;
        if found.len() >= at_least {
            return found
                .into_iter()
                .map(|(_, raw)| {
                    mail_parser::MessageParser::default()
                        .parse(&raw)
                        .expect("a parsable message")
                        .into_owned()
                })
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{user} never received {at_least} message(s)");
}

pub async fn email_inbox(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'email' ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Points the seeded email inbox at the loopback servers; returns (inbox, support address).
pub async fn configure(app: &TestApp, smtp_port: u16) -> (i64, String) {
    let inbox = email_inbox(app).await;
    let support = address("soporte");
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_email",
            settings(inbox, &support, smtp_port),
        )
        .await;
    (inbox, support)
}

pub fn settings(inbox: i64, support: &str, smtp_port: u16) -> Value {
    json!({"id": inbox, "settings": {
        "from_name": "Soporte Tienda Sol", "from_address": support,
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "user": ""},
        "smtp_password": "",
        "imap": {"host": "127.0.0.1", "port": IMAP_PORT, "security": "none", "user": support},
        "imap_password": PASSWORD, "imap_mailbox": "INBOX", "poll_interval_secs": 10}})
}

async fn wait_sent(app: &TestApp, message_id: i64) -> String {
    for _ in 0..300 {
        let (status, external): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT delivery_status, external_id FROM messages WHERE id = $1")
                .bind(message_id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if status.as_deref() == Some("sent") {
            return external.expect("the Message-ID is recorded");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("message {message_id} was never sent");
}

async fn new_contact(app: &TestApp, cookie: &str, email: &str) -> i64 {
    let row: Value = app
        .ok(cookie, "contacts/save", json!({"id": null, "input": {"name": "Elena Prieto", "email": email, "phone": "", "company": ""}}))
        .await;
    row["id"].as_i64().unwrap()
}

fn header_text(message: &mail_parser::Message<'_>, name: &str) -> String {
    message
        .header_raw(name)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

async fn replies_reach_the_customers_mailbox(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox, support) = configure(&app, SMTP_PORT).await;
    let marcos = app.sign_in(MARCOS).await;
    let customer = address("elena");
    let contact = new_contact(&app, &marcos.cookie, &customer).await;
    let started: ConversationSummary = app
        .ok(&marcos.cookie, "contacts/start", json!({"contact_id": contact, "inbox_id": inbox, "to": customer,
            "first": {"kind": "email", "subject": "Tu pedido A-17", "body": "Hola Elena,\n<b>ya</b> salió & llega mañana."}}))
        .await;
    let first_id: i64 = sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'outgoing'",
    )
    .bind(started.id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let first_message_id = wait_sent(&app, first_id).await;
    let mails = read_mailbox(&customer, 1).await;
    let mail = &mails[0];
    assert_eq!(mail.subject(), Some("Tu pedido A-17"));
    assert_eq!(mail.message_id(), Some(first_message_id.as_str()));
    assert_eq!(
        mail.from().unwrap().first().unwrap().address(),
        Some(support.as_str())
    );
    assert_eq!(
        mail.body_text(0).unwrap().trim().replace("\r\n", "\n"),
        "Hola Elena,\n<b>ya</b> salió & llega mañana."
    );
    let html = mail.body_html(0).unwrap();
    assert!(
        html.contains("&lt;b&gt;ya&lt;/b&gt; salió &amp; llega"),
        "{html}"
    );
    assert!(!html.contains("<b>"));

    // A second reply continues the thread.
    let second: MessageView = app
        .ok(&marcos.cookie, "conversations/send", json!({"conversation_id": started.id, "body": "Te paso el seguimiento.", "private": false, "idempotency_key": null, "mentions": []}))
        .await;
    wait_sent(&app, second.id).await;
    // A private note is never emailed.
    let _: MessageView = app
        .ok(&marcos.cookie, "conversations/send", json!({"conversation_id": started.id, "body": "nota interna", "private": true, "idempotency_key": null, "mentions": []}))
        .await;
    let mails = read_mailbox(&customer, 2).await;
    assert_eq!(mails.len(), 2, "the note stayed inside");
    let follow_up = mails
        .iter()
        .find(|m| m.body_text(0).unwrap().contains("seguimiento"))
        .unwrap();
    assert!(
        header_text(follow_up, "References").contains(&format!("<{first_message_id}>")),
        "References continues the thread"
    );
}

async fn smtp_outage_is_retried_until_delivered(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    // A port nothing listens on: the SMTP server is "down".
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (inbox, support) = configure(&app, down).await;
    let marcos = app.sign_in(MARCOS).await;
    let customer = address("luis");
    let contact = new_contact(&app, &marcos.cookie, &customer).await;
    let started: ConversationSummary = app
        .ok(
            &marcos.cookie,
            "contacts/start",
            json!({"contact_id": contact, "inbox_id": inbox, "to": customer,
            "first": {"kind": "email", "subject": "Factura", "body": "Adjunto la factura."}}),
        )
        .await;
    let message_id: i64 = sqlx::query_scalar(
        "SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'outgoing'",
    )
    .bind(started.id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    // It is kept and retried, not failed.
    let mut attempts = 0;
    for _ in 0..100 {
        let (a, error): (i64, Option<String>) =
            sqlx::query_as("SELECT attempts, last_error FROM outbox WHERE message_id = $1")
                .bind(message_id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if a >= 1 && error.is_some() {
            attempts = a;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(attempts >= 1, "an attempt was made and failed");
    let status: Option<String> =
        sqlx::query_scalar("SELECT delivery_status FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        status.as_deref(),
        Some("sending"),
        "still queued while the server is down"
    );
    // The server is back: the next attempt delivers.
    let admin = app.sign_in(ADMIN).await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_email",
            settings(inbox, &support, SMTP_PORT),
        )
        .await;
    wait_sent(&app, message_id).await;
    let mails = read_mailbox(&customer, 1).await;
    assert_eq!(mails.len(), 1, "delivered once");
    assert_eq!(mails[0].subject(), Some("Factura"));
}

async fn settings_keep_passwords_and_test_connections(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox, _) = configure(&app, SMTP_PORT).await;
    let admin = app.sign_in(ADMIN).await;
    let view = app
        .call_json(
            Some(&admin.cookie),
            "team/email_settings",
            json!({"id": inbox}),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !view.contains(PASSWORD),
        "the password never goes back to the browser"
    );
    let view: Value = serde_json::from_str(&view).unwrap();
    assert_eq!(view["has_imap_password"], true);
    for server in ["smtp", "imap"] {
        let res = app
            .call_json(
                Some(&admin.cookie),
                "team/test_email",
                json!({"id": inbox, "server": server}),
            )
            .await;
        assert_eq!(res.status(), 200, "{server}: {}", res.text().await.unwrap());
    }
    // A wrong IMAP password: the server's own refusal comes back.
    let mut wrong = settings(inbox, view["from_address"].as_str().unwrap(), SMTP_PORT);
    wrong["settings"]["imap_password"] = json!("otra");
    let _: () = app.ok(&admin.cookie, "team/save_email", wrong).await;
    let res = app
        .call_json(
            Some(&admin.cookie),
            "team/test_email",
            json!({"id": inbox, "server": "imap"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let err: app::error::AppError = res.json().await.unwrap();
    match err {
        app::error::AppError::Validation { field, code } => {
            assert_eq!(field, "imap");
            assert!(code.contains("login"), "{code}");
        }
        other => panic!("{other:?}"),
    }
    let marcos = app.sign_in(MARCOS).await;
    let res = app
        .call_json(
            Some(&marcos.cookie),
            "team/email_settings",
            json!({"id": inbox}),
        )
        .await;
    assert_eq!(res.status(), 403);
}

on_both_backends!(
    replies_reach_the_customers_mailbox,
    smtp_outage_is_retried_until_delivered,
    settings_keep_passwords_and_test_connections,
);
