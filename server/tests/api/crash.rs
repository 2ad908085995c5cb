//! Nothing an agent sent is lost when the server dies mid-send. 1,000 replies (half to
//! a WhatsApp customer through the fake Graph API, half to an email customer through the
//! real SMTP server) are sent through the real endpoint while the server *process* is
//! killed with SIGKILL and started again on the same database.
//!
//! What must hold: every message is stored once (the sender retries unanswered requests
//! with the same idempotency key, as the browser does), every one reaches its channel,
//! and none is lost. A channel cannot tell us whether it took a message whose answer we
//! never read, so a message in flight at the kill is sent again after its lease expires
//! (at least once, never zero times). The copy carries the same key (email: the same
//! Message-ID, by which mail servers and clients drop it; WhatsApp: the same text to the
//! same customer), and there can be at most one such copy: the worker has one message in
//! flight at a time. The figures are printed.
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::email::{self, mail_servers, read_mailbox};
use crate::fake_graph::{FakeGraph, APP_SECRET, PHONE_ID, TOKEN, VERIFY_TOKEN, WABA_ID};
use crate::helpers::{client, fresh_postgres, session_cookie, ADMIN, PASSWORD};
use app::channels::whatsapp::webhook::sign;

const MESSAGES: usize = 1_000;
/// The kill comes once this many sends were acknowledged.
const KILL_AFTER: usize = 400;
const SENDERS: usize = 4;
const CUSTOMER: &str = "34699000222";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("charla.db").display()
    );
    survives_kill_9("SQLite", dir.path(), url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    survives_kill_9("PostgreSQL", dir.path(), url).await;
}

/// The real `server` binary, as deployed, configured by its environment.
pub(crate) struct Process {
    child: Child,
    addr: SocketAddr,
}

impl Process {
    pub(crate) async fn start(addr: SocketAddr, data_dir: &Path, database_url: &str) -> Process {
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("CHARLA_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("CHARLA_TEMPLATE_SYNC_MINUTES", "0")
            .env("CHARLA_SEED_DEMO", "true")
            // Its Graph fake and mail servers listen on loopback.
            .env("CHARLA_OUTBOUND_ALLOW_PRIVATE", "true")
            .env("CHARLA_GRAPH_ALLOW_HOSTS", "127.0.0.1")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server binary");
        let process = Process { child, addr };
        for _ in 0..600 {
            if let Ok(res) = client().get(process.url("/login")).send().await {
                if res.status().is_success() {
                    return process;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start within 60 s");
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub(crate) fn kill_9(&mut self) {
        // `Child::kill` is SIGKILL on Unix: no shutdown code runs.
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

pub(crate) async fn call(base: &str, cookie: &str, endpoint: &str, body: Value) -> Value {
    let res = client()
        .post(format!("{base}/api/{endpoint}"))
        .header("cookie", cookie)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{endpoint}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub(crate) async fn sign_in(base: &str) -> String {
    let res = client()
        .post(format!("{base}/api/login"))
        .form(&[("email", ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "sign-in: {}", res.status());
    session_cookie(res.headers().get(reqwest::header::SET_COOKIE)).expect("session cookie")
}

async fn scalar(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// What a browser's queue does: the same request with the same key until it is answered.
async fn send_until_answered(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    conversation: i64,
    i: usize,
) -> usize {
    let body = json!({"conversation_id": conversation, "body": format!("Mensaje {i:04}"),
        "private": false, "idempotency_key": format!("crash-{i}"), "mentions": []});
    let mut tries = 0;
    loop {
        tries += 1;
        let res = http
            .post(format!("{base}/api/conversations/send"))
            .header("cookie", cookie)
            .json(&body)
            .send()
            .await;
        match res {
            Ok(res) if res.status().is_success() => return tries,
            Ok(res) if res.status().is_server_error() => {}
            Ok(res) => panic!("send {i}: {} {}", res.status(), res.text().await.unwrap()),
            Err(_) => {}
        }
        assert!(tries < 2_000, "send {i} never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn survives_kill_9(label: &str, data_dir: &Path, database_url: String) {
    if !mail_servers().await {
        return;
    }
    sqlx::any::install_default_drivers();
    let addr = free_port();
    let base = format!("http://{addr}");
    let mut server = Process::start(addr, data_dir, &database_url).await;
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(&database_url)
        .await
        .unwrap();

    // The seeded WhatsApp and email inboxes, pointed at the fake and the real servers.
    let fake = FakeGraph::start().await;
    // Meta has the request before it answers; a kill in between is the worst case.
    fake.set_delay(Duration::from_millis(5));
    let admin = sign_in(&base).await;
    let whatsapp: i64 = scalar(
        &pool,
        "SELECT id FROM inboxes WHERE channel_kind = 'whatsapp' ORDER BY id LIMIT 1",
    )
    .await;
    let mail: i64 = scalar(
        &pool,
        "SELECT id FROM inboxes WHERE channel_kind = 'email' ORDER BY id LIMIT 1",
    )
    .await;
    call(
        &base,
        &admin,
        "team/save_whatsapp",
        json!({"id": whatsapp, "settings": {
        "phone_number_id": PHONE_ID, "business_account_id": WABA_ID,
        "api_base_url": fake.base_url(), "api_version": "v21.0",
        "access_token": TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN}}),
    )
    .await;
    let support = email::address("soporte");
    call(
        &base,
        &admin,
        "team/save_email",
        email::settings(mail, &support, email::SMTP_PORT),
    )
    .await;

    // A WhatsApp customer writes in (opening the 24-hour window); an email customer is
    // written to.
    let now = app::db::now_ms() / 1000;
    let inbound = json!({"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "34900000000", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Rosa Vidal"}, "wa_id": CUSTOMER}],
            "messages": [{"from": CUSTOMER, "id": "wamid.crash.in", "timestamp": now.to_string(), "type": "text", "text": {"body": "Hola"}}]}}]}]});
    let raw = serde_json::to_vec(&inbound).unwrap();
    let res = client()
        .post(format!("{base}/webhooks/whatsapp/{whatsapp}"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(APP_SECRET, &raw))
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let wa_conversation = scalar(
        &pool,
        "SELECT conversation_id FROM messages WHERE external_id = 'wamid.crash.in'",
    )
    .await;
    let customer = email::address("rosa");
    let contact = call(&base, &admin, "contacts/save", json!({"id": null, "input": {"name": "Rosa Vidal", "email": customer, "phone": "", "company": ""}})).await;
    let started = call(
        &base,
        &admin,
        "contacts/start",
        json!({"contact_id": contact["id"], "inbox_id": mail, "to": customer,
            "first": {"kind": "email", "subject": "Tu pedido", "body": "Hola Rosa"}}),
    )
    .await;
    let mail_conversation = started["id"].as_i64().unwrap();

    // The agents send; the server is killed mid-way and started again.
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let resent = Arc::new(AtomicUsize::new(0));
    let started_at = Instant::now();
    let mut senders = Vec::new();
    for _ in 0..SENDERS {
        let (next, acknowledged, resent) = (next.clone(), acknowledged.clone(), resent.clone());
        let (base, admin) = (base.clone(), admin.clone());
        senders.push(tokio::spawn(async move {
            let http = client();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= MESSAGES {
                    break;
                }
                let conversation = if i % 2 == 0 {
                    wa_conversation
                } else {
                    mail_conversation
                };
                let tries = send_until_answered(&http, &base, &admin, conversation, i).await;
                resent.fetch_add(tries - 1, Ordering::SeqCst);
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    while acknowledged.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill_9();
    let at_kill = acknowledged.load(Ordering::SeqCst);
    let queued_at_kill = scalar(&pool, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'").await;
    let in_flight_at_kill = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND locked_until > {}",
            app::db::now_ms()
        ),
    )
    .await;
    let sent_at_kill = fake.sent().len();
    let server = Process::start(addr, data_dir, &database_url).await;
    for sender in senders {
        sender.await.unwrap();
    }
    let all_acknowledged = started_at.elapsed();

    // Everything reaches its channel (the in-flight message after its lease expires).
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let sent = scalar(
            &pool,
            "SELECT COUNT(*) FROM messages WHERE idempotency_key LIKE 'crash-%' AND delivery_status = 'sent'",
        )
        .await;
        if sent == MESSAGES as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {sent} of {MESSAGES} messages delivered after 4 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let all_delivered = started_at.elapsed();

    // Stored once each.
    let (rows, keys): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM messages WHERE idempotency_key LIKE 'crash-%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((rows, keys), (MESSAGES as i64, MESSAGES as i64));
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM outbox WHERE state <> 'done'").await,
        0
    );

    // WhatsApp: every even message reached Meta, at most one of them twice.
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for body in fake.sent() {
        if let Some(text) = body["text"]["body"].as_str() {
            *by_text.entry(text.to_owned()).or_default() += 1;
        }
    }
    for i in (0..MESSAGES).step_by(2) {
        assert!(
            by_text.contains_key(&format!("Mensaje {i:04}")),
            "WhatsApp message {i} was lost"
        );
    }
    assert_eq!(by_text.len(), MESSAGES / 2, "nothing else was sent");
    let wa_copies: usize = by_text.values().map(|n| n - 1).sum();

    // Email: every odd message is in the customer's mailbox; a copy has the same
    // Message-ID as its original. (+1: the conversation's first mail.)
    let mails = read_mailbox(&customer, MESSAGES / 2 + 1).await;
    let mut by_id: HashMap<String, (String, usize)> = HashMap::new();
    for mail in &mails {
        let text = mail.body_text(0).unwrap_or_default().trim().to_owned();
        let id = mail.message_id().expect("a Message-ID").to_owned();
        let entry = by_id.entry(id).or_insert((text.clone(), 0));
        assert_eq!(entry.0, text, "one Message-ID, one message");
        entry.1 += 1;
    }
    for i in (1..MESSAGES).step_by(2) {
        assert!(
            by_id
                .values()
                .any(|(text, _)| *text == format!("Mensaje {i:04}")),
            "email message {i} was lost"
        );
    }
    assert_eq!(by_id.len(), MESSAGES / 2 + 1, "nothing else was mailed");
    let mail_copies: usize = by_id.values().map(|(_, n)| n - 1).sum();

    // One message in flight at a time: at most one copy in all.
    assert!(
        wa_copies + mail_copies <= 1,
        "{wa_copies} WhatsApp and {mail_copies} email copies"
    );
    println!(
        "kill -9 ({label}): {MESSAGES} messages, killed after {at_kill} acknowledged \
         ({queued_at_kill} queued, {in_flight_at_kill} in flight, {sent_at_kill} at Meta); \
         {} requests re-sent by the agents; all acknowledged in {:.1} s, all delivered in {:.1} s; \
         stored once each; lost 0; channel copies {} (WhatsApp {wa_copies}, email {mail_copies}, same key)",
        resent.load(Ordering::SeqCst),
        all_acknowledged.as_secs_f64(),
        all_delivered.as_secs_f64(),
        wa_copies + mail_copies
    );
    drop(server);
}
