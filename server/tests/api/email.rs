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

/// The mail servers are on loopback: the tests' own IMAP sessions may go there.
pub fn loopback() -> app::channels::outbound::OutboundPolicy {
    app::channels::outbound::OutboundPolicy {
        allow_private: true,
        ..Default::default()
    }
}

/// Every message in a mailbox (waits up to 15 s for `at_least` to arrive; a guard, not a timing).
pub async fn read_mailbox(user: &str, at_least: usize) -> Vec<mail_parser::Message<'static>> {
    for _ in 0..150 {
        let found = fetch_unseen(user).await;
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
    // A wrong IMAP password: refused, in Charla's words only (the server's own text
    // stays in the log).
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
            assert_eq!(code, "auth_failed");
        }
        other => panic!("{other:?}"),
    }
    // Pointed at another host with the password left empty: the stored password is
    // forgotten, so "Probar conexión" cannot hand it to that host.
    let mut moved = settings(inbox, view["from_address"].as_str().unwrap(), SMTP_PORT);
    moved["settings"]["imap"]["host"] = json!("localhost");
    moved["settings"]["imap_password"] = json!("");
    let _: () = app
        .ok(&admin.cookie, "team/save_email", moved.clone())
        .await;
    let view: Value = app
        .ok(&admin.cookie, "team/email_settings", json!({"id": inbox}))
        .await;
    assert_eq!(
        view["has_imap_password"], false,
        "the password followed the host"
    );
    let config =
        app::channels::email::inbox::load(&app.state.db, &app.state.settings.secrets, inbox)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(config.imap_password, "");
    // Saved again unchanged, with the password typed: kept.
    moved["settings"]["imap_password"] = json!(PASSWORD);
    let _: () = app
        .ok(&admin.cookie, "team/save_email", moved.clone())
        .await;
    moved["settings"]["imap_password"] = json!("");
    let _: () = app.ok(&admin.cookie, "team/save_email", moved).await;
    let view: Value = app
        .ok(&admin.cookie, "team/email_settings", json!({"id": inbox}))
        .await;
    assert_eq!(
        view["has_imap_password"], true,
        "same host: the password stays"
    );
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

/// Sends a raw message as a customer's mail program would, through the SMTP server.
pub async fn customer_sends(from: &str, to: &str, raw: String) {
    use lettre::AsyncTransport;
    let transport =
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(SMTP_PORT)
            .build();
    let envelope =
        lettre::address::Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()])
            .unwrap();
    transport
        .send_raw(&envelope, raw.as_bytes())
        .await
        .expect("SMTP accepted the customer's mail");
}

pub(crate) fn email_channel(app: &TestApp) -> app::channels::email::Email {
    app::channels::email::Email {
        db: app.state.db.clone(),
        hub: app.state.hub.clone(),
        secrets: app.state.settings.secrets.clone(),
        files: app.state.settings.files.clone(),
        outbound: app.state.settings.outbound.clone(),
        max_mail_bytes: app::channels::email::DEFAULT_MAX_MAIL_BYTES,
        uploads: app.state.settings.uploads,
    }
}

/// Polls the inbox until `want` messages have been handled (the server's own poller may
/// take some of them; either way each is stored once).
async fn poll_until(app: &TestApp, inbox: i64, sql_count: &str, want: i64) {
    let email = email_channel(app);
    for _ in 0..100 {
        let config =
            app::channels::email::inbox::load(&app.state.db, &app.state.settings.secrets, inbox)
                .await
                .unwrap()
                .unwrap();
        app::channels::email::poller::poll(&email, &config)
            .await
            .expect("poll");
        let n: i64 = sqlx::query_scalar(sql_count)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        if n >= want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("never reached {want}: {sql_count}");
}

async fn customer_emails_thread_into_one_conversation(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox, support) = configure(&app, SMTP_PORT).await;
    let customer = address("carmen");
    let first_id = format!("c1.{}", address("id"));
    let boundary = "frontera";
    customer_sends(&customer, &support, format!(
        "From: Carmen Vidal <{customer}>\r\nTo: <{support}>\r\nSubject: Pregunta sobre el env\u{00ed}o\r\n\
Message-ID: <{first_id}>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\u{00bf}Cu\u{00e1}ndo llega mi pedido?\r\n\
--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>\u{00bf}Cu\u{00e1}ndo llega?<script>alert(1)</script></p>\r\n--alt--\r\n\
--{boundary}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"factura.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--{boundary}--\r\n"
    )).await;
    let of_customer = format!(
        "SELECT COUNT(*) FROM messages m JOIN contacts c ON c.id = m.sender_contact_id WHERE c.email = '{customer}'"
    );
    poll_until(&app, inbox, &of_customer, 1).await;
    let (message_id, conversation, body, extra): (i64, i64, String, String) = sqlx::query_as(
        "SELECT id, conversation_id, body, content_attributes FROM messages WHERE external_id = $1",
    )
    .bind(&first_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(body, "¿Cuándo llega mi pedido?");
    let extra: Value = serde_json::from_str(&extra).unwrap();
    assert_eq!(extra["subject"], "Pregunta sobre el envío");
    let html = extra["html"].as_str().unwrap();
    assert!(
        html.contains("Cuándo llega") && !html.contains("script"),
        "{html}"
    );
    let (subject, name): (Option<String>, String) = sqlx::query_as(
        "SELECT c.subject, ct.name FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (subject.as_deref(), name.as_str()),
        (Some("Pregunta sobre el envío"), "Carmen Vidal")
    );
    let files: Vec<(String, String)> =
        sqlx::query_as("SELECT file_name, content_type FROM attachments WHERE message_id = $1")
            .bind(message_id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        files,
        vec![("factura.pdf".to_owned(), "application/pdf".to_owned())]
    );

    // The agent's reply continues the customer's thread.
    let marcos = app.sign_in(MARCOS).await;
    let reply: MessageView = app
        .ok(&marcos.cookie, "conversations/send", json!({"conversation_id": conversation, "body": "Llega mañana.", "private": false, "idempotency_key": null, "mentions": []}))
        .await;
    let reply_id = wait_sent(&app, reply.id).await;
    let mails = read_mailbox(&customer, 1).await;
    let mail = &mails[0];
    assert_eq!(mail.subject(), Some("Re: Pregunta sobre el envío"));
    assert_eq!(header_text(mail, "In-Reply-To"), format!("<{first_id}>"));
    assert!(header_text(mail, "References").contains(&format!("<{first_id}>")));

    // The customer answers the reply: same conversation, quoted text kept aside.
    let second_id = format!("c2.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: Carmen Vidal <{customer}>\r\nTo: <{support}>\r\nSubject: Re: Pregunta sobre el env\u{00ed}o\r\n\
Message-ID: <{second_id}>\r\nIn-Reply-To: <{reply_id}>\r\nReferences: <{first_id}> <{reply_id}>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\u{00a1}Gracias!\r\n\r\nEl mar, 24 nov 2026, Soporte <{support}> escribi\u{00f3}:\r\n> Llega ma\u{00f1}ana.\r\n"
    )).await;
    poll_until(&app, inbox, &of_customer, 2).await;
    let (threaded, body, extra): (i64, String, String) = sqlx::query_as(
        "SELECT conversation_id, body, content_attributes FROM messages WHERE external_id = $1",
    )
    .bind(&second_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(threaded, conversation, "threaded by In-Reply-To");
    assert_eq!(body, "¡Gracias!");
    assert!(serde_json::from_str::<Value>(&extra).unwrap()["quoted"]
        .as_str()
        .unwrap()
        .contains("> Llega mañana."));

    // An auto-reply creates nothing; the same message delivered twice is stored once.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    customer_sends(&customer, &support, format!(
        "From: <{customer}>\r\nTo: <{support}>\r\nSubject: Fuera de la oficina\r\nAuto-Submitted: auto-replied\r\n\
Message-ID: <auto.{second_id}>\r\nIn-Reply-To: <{reply_id}>\r\n\r\nEstoy de vacaciones.\r\n"
    )).await;
    let twice = format!("c3.{}", address("id"));
    for _ in 0..2 {
        customer_sends(&customer, &support, format!(
            "From: <{customer}>\r\nTo: <{support}>\r\nSubject: Otra cosa\r\nMessage-ID: <{twice}>\r\n\r\nUna pregunta m\u{00e1}s.\r\n"
        )).await;
    }
    poll_until(&app, inbox, &of_customer, 3).await;
    // Let every copy reach the mailbox and be handled before counting.
    let support_box = mailbox_of(&support);
    for _ in 0..100 {
        let mut session = imap::login(&loopback(), &support_box, PASSWORD)
            .await
            .unwrap();
        let left = imap::unseen(&mut session, "INBOX").await.unwrap().len();
        let _ = session.logout().await;
        if left == 0 {
            break;
        }
        poll_until(&app, inbox, &of_customer, 3).await;
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        after,
        before + 1,
        "the duplicate once, the auto-reply never"
    );
    let copies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE external_id = $1")
        .bind(&twice)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(copies, 1);
}

async fn attachments_go_out_as_mime_parts(app: TestApp) {
    use app::conversations::ssr::access::summary_in_tx;
    use app::conversations::ssr::messages::{
        insert_attachments_in_tx, insert_outgoing_in_tx, OutgoingRow,
    };
    use app::storage::{Files, NewAttachment};
    if !mail_servers().await {
        return;
    }
    let (inbox, _) = configure(&app, SMTP_PORT).await;
    let marcos = app.sign_in(MARCOS).await;
    let customer = address("rosa");
    let contact = new_contact(&app, &marcos.cookie, &customer).await;
    let started: ConversationSummary = app
        .ok(&marcos.cookie, "contacts/start", json!({"contact_id": contact, "inbox_id": inbox, "to": customer,
            "first": {"kind": "email", "subject": "Presupuesto", "body": "Te lo envío enseguida."}}))
        .await;
    let marcos_id = app.agent_id(MARCOS).await;
    let agent = app::agents::ssr::list_team(&app.state.db, 1)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == marcos_id)
        .unwrap();
    // What the composer's upload will hand over (issue 5): the file stored, then the message.
    let pdf = b"%PDF-1.4\n%presupuesto\n".to_vec();
    let files = app.state.settings.files.clone();
    let key = Files::new_key(1, "pdf");
    files.put(&key, pdf.clone()).await.unwrap();
    let mut tx = app.state.db.begin_write().await.unwrap();
    let summary = summary_in_tx(tx.conn(), started.id).await.unwrap();
    let row = OutgoingRow {
        body: "Adjunto el presupuesto.",
        private: false,
        idempotency_key: None,
        content_type: "text",
        extra: None,
        reply_to: None,
    };
    let message_id = insert_outgoing_in_tx(
        &mut tx,
        app::conversations::ssr::messages::Author::Agent(&agent),
        &summary,
        &row,
        app::db::now_ms(),
    )
    .await
    .unwrap();
    let file = NewAttachment {
        file_name: "presupuesto.pdf".into(),
        content_type: "application/pdf".into(),
        byte_size: pdf.len() as i64,
        storage_key: key,
        duration_ms: None,
    };
    insert_attachments_in_tx(&mut tx, message_id, &[file], app::db::now_ms())
        .await
        .unwrap();
    app.state.hub.commit(tx).await.unwrap();
    app.state.hub.wake_outbox();
    wait_sent(&app, message_id).await;
    let mails = read_mailbox(&customer, 2).await;
    let with_file = mails
        .iter()
        .find(|m| m.attachment_count() > 0)
        .expect("the reply with its attachment");
    let part = with_file.attachment(0).unwrap();
    use mail_parser::MimeHeaders;
    assert_eq!(part.attachment_name(), Some("presupuesto.pdf"));
    assert_eq!(part.contents(), pdf.as_slice());
    assert!(with_file
        .body_text(0)
        .unwrap()
        .contains("Adjunto el presupuesto."));
}

/// The server's own watcher (IMAP IDLE on Dovecot) stores mail with nobody polling by hand.
async fn the_server_watches_the_mailbox_by_itself(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (_, support) = configure(&app, SMTP_PORT).await;
    let customer = address("pablo");
    let id = format!("w1.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: Pablo <{customer}>\r\nTo: <{support}>\r\nSubject: Hola\r\nMessage-ID: <{id}>\r\n\r\n\u{00bf}Abr\u{00ed}s el s\u{00e1}bado?\r\n"
    )).await;
    for _ in 0..300 {
        let found: Option<String> =
            sqlx::query_scalar("SELECT body FROM messages WHERE external_id = $1")
                .bind(&id)
                .fetch_optional(&app.state.db.pool)
                .await
                .unwrap();
        if let Some(body) = found {
            assert_eq!(body, "¿Abrís el sábado?");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the watcher never stored the customer's mail");
}

/// S12 for email: after Nueva conversación, a reply to the old thread goes to the new
/// conversation; once that one is resolved, the next reply opens a new one (never the
/// superseded thread).
async fn replies_to_a_superseded_thread_go_to_the_newest(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox, support) = configure(&app, SMTP_PORT).await;
    let customer = address("rocio");
    let first_id = format!("s1.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: Roc\u{00ed}o Mar <{customer}>\r\nTo: <{support}>\r\nSubject: Factura\r\nMessage-ID: <{first_id}>\r\n\r\n\u{00bf}Y mi factura?\r\n"
    )).await;
    let of_customer = format!(
        "SELECT COUNT(*) FROM messages m JOIN contacts c ON c.id = m.sender_contact_id WHERE c.email = '{customer}'"
    );
    poll_until(&app, inbox, &of_customer, 1).await;
    let (old, contact): (i64, i64) = sqlx::query_as(
        "SELECT m.conversation_id, m.sender_contact_id FROM messages m WHERE m.external_id = $1",
    )
    .bind(&first_id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let marcos = app.sign_in(MARCOS).await;
    let newer: app::conversations::model::ConversationSummary = app
        .ok(
            &marcos.cookie,
            "contacts/start",
            json!({"contact_id": contact, "inbox_id": inbox, "to": customer,
            "first": {"kind": "email", "subject": "Tu factura", "body": "Te la enviamos aparte."}}),
        )
        .await;
    assert_ne!(newer.id, old);

    // A reply to the old thread: the newest conversation takes it, with its headers.
    let second_id = format!("s2.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: <{customer}>\r\nTo: <{support}>\r\nSubject: Re: Factura\r\nMessage-ID: <{second_id}>\r\n\
In-Reply-To: <{first_id}>\r\nReferences: <{first_id}>\r\n\r\nGracias, la espero.\r\n"
    )).await;
    poll_until(&app, inbox, &of_customer, 2).await;
    let joined: i64 =
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE external_id = $1")
            .bind(&second_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        joined, newer.id,
        "the superseded thread handed its reply on"
    );

    // The newest is resolved: the next reply to the old thread opens a new one.
    let _: app::conversations::model::ConversationSummary = app
        .ok(
            &marcos.cookie,
            "conversations/status",
            json!({"id": newer.id, "status": "resolved", "snoozed_until": null}),
        )
        .await;
    let third_id = format!("s3.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: <{customer}>\r\nTo: <{support}>\r\nSubject: Re: Factura\r\nMessage-ID: <{third_id}>\r\n\
In-Reply-To: <{first_id}>\r\nReferences: <{first_id}>\r\n\r\nOtra duda.\r\n"
    )).await;
    poll_until(&app, inbox, &of_customer, 3).await;
    let third: i64 =
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE external_id = $1")
            .bind(&third_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert!(
        third != old && third != newer.id,
        "a new conversation, not {third}"
    );
}

/// Anyone can write In-Reply-To: a stranger's mail naming a customer's thread gets its
/// own conversation, which says why; the customer's conversation gets nothing.
async fn another_sender_cannot_thread_into_a_conversation(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (inbox, support) = configure(&app, SMTP_PORT).await;
    let customer = address("elena");
    let first_id = format!("t1.{}", address("id"));
    customer_sends(&customer, &support, format!(
        "From: Elena Paz <{customer}>\r\nTo: <{support}>\r\nSubject: Mi clave\r\nMessage-ID: <{first_id}>\r\n\r\nNo puedo entrar.\r\n"
    )).await;
    let of_customer = format!(
        "SELECT COUNT(*) FROM messages m JOIN contacts c ON c.id = m.sender_contact_id WHERE c.email = '{customer}'"
    );
    poll_until(&app, inbox, &of_customer, 1).await;
    let theirs: i64 =
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE external_id = $1")
            .bind(&first_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let stranger = address("intruso");
    let forged_id = format!("t2.{}", address("id"));
    // Thousands of referenced ids, the real one last of all (the oldest).
    // Folded lines, as mail allows (a line may not pass 998 characters).
    let noise: String = (0..2000)
        .map(|n| format!("\r\n <n{n}@x.example>"))
        .collect();
    customer_sends(&stranger, &support, format!(
        "From: <{stranger}>\r\nTo: <{support}>\r\nSubject: Re: Mi clave\r\nMessage-ID: <{forged_id}>\r\n\
In-Reply-To: <{first_id}>\r\nReferences: <{first_id}>{noise}\r\n\r\nMandadme la clave a m\u{00ed}.\r\n"
    )).await;
    let of_stranger = format!(
        "SELECT COUNT(*) FROM messages m JOIN contacts c ON c.id = m.sender_contact_id WHERE c.email = '{stranger}'"
    );
    poll_until(&app, inbox, &of_stranger, 1).await;
    let landed: i64 =
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE external_id = $1")
            .bind(&forged_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_ne!(
        landed, theirs,
        "the stranger joined the customer's conversation"
    );
    let in_theirs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
            .bind(theirs)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(in_theirs, 1);
    let (display_id,): (i64,) =
        sqlx::query_as("SELECT display_id FROM conversations WHERE id = $1")
            .bind(theirs)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let why: Vec<String> = sqlx::query_scalar(
        "SELECT content_attributes FROM messages WHERE conversation_id = $1 AND direction = 'activity'",
    )
    .bind(landed)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(why.len(), 1, "{why:?}");
    assert_eq!(
        serde_json::from_str::<app::conversations::model::MessageExtra>(&why[0]).unwrap(),
        app::conversations::model::MessageExtra::ThreadRefused { display_id }
    );
}

on_both_backends!(
    another_sender_cannot_thread_into_a_conversation,
    replies_to_a_superseded_thread_go_to_the_newest,
    the_server_watches_the_mailbox_by_itself,
    attachments_go_out_as_mime_parts,
    customer_emails_thread_into_one_conversation,
    replies_reach_the_customers_mailbox,
    smtp_outage_is_retried_until_delivered,
    settings_keep_passwords_and_test_connections,
);

/// How many unread messages a mailbox holds now.
pub async fn unseen_count(user: &str) -> usize {
    fetch_unseen(user).await.len()
}

/// The unread messages of a mailbox now (uid, raw).
async fn fetch_unseen(user: &str) -> Vec<(u32, Vec<u8>)> {
    let mut session = imap::login(&loopback(), &mailbox_of(user), PASSWORD)
        .await
        .expect("IMAP login");
    let found = imap::unseen(&mut session, "INBOX")
        .await
        .expect("IMAP fetch");
    let _ = session.logout().await;
    found
}
