//! `spawn_app()` and friends: start Charla as it runs in production, on a fresh database.
use futures::StreamExt;
use reqwest::header::{HeaderValue, SET_COOKIE};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use app::events::ServerFrame;
use app::state::AppState;
use server::Config;

mod outcome;
pub use outcome::{Failure, Outcome};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const PASSWORD: &str = app::db::seed::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@charla.local";
pub const LUCIA: &str = "lucia@charla.local";
pub const MARCOS: &str = "marcos@charla.local";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    /// Where this server stores files (attachments).
    pub files: tempfile::TempDir,
    _dir: Option<tempfile::TempDir>,
}

/// A signed-in browser: the session cookie it got (`charla_session=…`).
pub struct SignedIn {
    pub cookie: String,
}

fn pg_admin_url() -> String {
    std::env::var("CHARLA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates an empty PostgreSQL database, or says why it cannot and returns `None`.
pub async fn fresh_postgres() -> Option<String> {
    use sqlx::{Connection, Executor};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let admin_url = pg_admin_url();
    let mut conn = match tokio::time::timeout(
        Duration::from_secs(5),
        sqlx::PgConnection::connect(&admin_url),
    )
    .await
    {
        Ok(Ok(conn)) => conn,
        Ok(Err(err)) => {
            eprintln!("SKIPPED (PostgreSQL): cannot connect to {admin_url}: {err}");
            return None;
        }
        Err(_) => {
            eprintln!("SKIPPED (PostgreSQL): connecting to {admin_url} timed out");
            return None;
        }
    };
    let name = format!(
        "charla_t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    conn.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .expect("drop database");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// [`spawn_app`] with the configuration adjusted first (limits, say).
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("charla.db").display()
            );
            Some(spawn_on_with(url, Some(dir), adjust).await)
        }
        Backend::Postgres => Some(spawn_on_with(fresh_postgres().await?, None, adjust).await),
    }
}

/// Starts one server (one "replica") on the given database.
pub async fn spawn_on(database_url: String, dir: Option<tempfile::TempDir>) -> TestApp {
    spawn_on_with(database_url, dir, |_| {}).await
}

/// [`spawn_on`] with the configuration adjusted first.
pub async fn spawn_on_with(
    database_url: String,
    dir: Option<tempfile::TempDir>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    let files = tempfile::tempdir().expect("files dir");
    let mut config = Config {
        data_dir: dir
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_else(std::env::temp_dir),
        database_url,
        db_max_connections: 5,
        seed_demo: true,
        session_ttl_hours: 1,
        event_retention_days: 7,
        public_url: None,
        site_addr: "127.0.0.1:0".parse().unwrap(),
        site_root: "target/site".into(),
        default_country: "ES".into(),
        files_dir: files.path().to_owned(),
        secret_key: None,
        secret_key_file: None,
        template_sync_minutes: 0,
        s3: None,
        uploads: Default::default(),
        email_max_bytes: app::channels::email::DEFAULT_MAX_MAIL_BYTES,
        sign_in: Default::default(),
        hashing: Default::default(),
        trust_proxy: false,
        secure_cookies: None,
        live_batch_ms: 20,
        // The mail servers and the Graph fake listen on loopback.
        outbound: app::channels::outbound::OutboundPolicy {
            allow_private: true,
            graph_hosts: vec!["127.0.0.1".into()],
        },
        widget: Default::default(),
        // Availability changes by hand only, so a socket's frames are the test's own;
        // the presence tests turn it on.
        presence: app::live::presence::PresenceRules {
            automatic: false,
            ..Default::default()
        },
        assign_waiting_secs: 0,
        // Unread replies to a website visitor are mailed at once.
        widget_email_after_secs: 0,
        notify: Default::default(),
    };
    adjust(&mut config);
    let (state, _) = server::build_state(&config).await.expect("server state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::router(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    TestApp {
        addr,
        state,
        files,
        _dir: dir,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Calls a server function the way the WASM client does (form-encoded POST).
    pub async fn call(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = client()
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }

    /// Calls a JSON-encoded server function.
    pub async fn call_json(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        let mut request = client()
            .post(self.url(&format!("/api/{endpoint}")))
            .json(&body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request")
    }

    /// Like [`call_json`], asserting success and decoding the answer.
    pub async fn ok<T: serde::de::DeserializeOwned>(
        &self,
        cookie: &str,
        endpoint: &str,
        body: serde_json::Value,
    ) -> T {
        let res = self.call_json(Some(cookie), endpoint, body).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint}: {e}: {text}"))
    }

    pub async fn web_chat_token(&self) -> String {
        sqlx::query_scalar("SELECT web_token FROM inboxes WHERE channel_kind = 'web_chat'")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub async fn visitor_socket(
        &self,
        token: &str,
        visitor: &str,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let url = format!(
            "ws://{}/api/widget/live?token={token}&visitor={visitor}",
            self.addr
        );
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(socket)
    }

    /// The agent's access token for the Chatwoot-compatible API (as Mi perfil shows it).
    pub async fn api_token(&self, email: &str) -> String {
        let signed = self.sign_in(email).await;
        let view: app::auth::access_token::AccessTokenView = self
            .ok(
                &signed.cookie,
                "profile/access_token",
                serde_json::json!({}),
            )
            .await;
        view.token
    }

    /// The demo account's id (the API's paths carry it).
    pub async fn account_id(&self) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM accounts")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub async fn agent_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM agents WHERE email = $1")
            .bind(email)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub async fn conversation_of_message(&self, message_id: i64) -> i64 {
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    pub async fn sign_in(&self, email: &str) -> SignedIn {
        self.sign_in_with(email, PASSWORD).await
    }

    pub async fn sign_in_with(&self, email: &str, password: &str) -> SignedIn {
        let res = self
            .call(None, "login", &[("email", email), ("password", password)])
            .await;
        assert!(
            res.status().is_success(),
            "sign-in failed: {}",
            res.status()
        );
        let cookie = session_cookie(res.headers().get(SET_COOKIE)).expect("session cookie");
        SignedIn { cookie }
    }

    pub async fn socket(
        &self,
        cookie: Option<&str>,
        after: Option<i64>,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let query = after.map(|a| format!("?after={a}")).unwrap_or_default();
        let mut request = format!("ws://{}/api/live{query}", self.addr).into_client_request()?;
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("cookie", cookie.parse().unwrap());
        }
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(socket)
    }
}

/// `name=value` of the session cookie in a Set-Cookie header.
pub fn session_cookie(header: Option<&HeaderValue>) -> Option<String> {
    let text = header?.to_str().ok()?;
    let pair = text.split(';').next()?.trim();
    (pair.starts_with("charla_session=") || pair.starts_with("__Host-charla_session="))
        .then(|| pair.to_owned())
}

/// The next frame, or a panic after 10 s (a guard against hanging, not a timing check).
pub async fn next_frame(socket: &mut Socket) -> ServerFrame {
    next_text(socket).await
}

/// The next text frame as raw JSON (for sockets with other frame types).
pub async fn next_json(socket: &mut Socket) -> serde_json::Value {
    next_text(socket).await
}

async fn next_text<T: serde::de::DeserializeOwned>(socket: &mut Socket) -> T {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("no frame within 10 s")
            .expect("socket closed")
            .expect("socket error");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("frame json");
        }
    }
}

/// Asserts that no frame arrives within a short while (used after filtered events).
pub async fn assert_silent(socket: &mut Socket) {
    if let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(500), socket.next()).await
    {
        panic!("unexpected frame: {text}");
    }
}

/// Declares one test per backend for an `async fn(TestApp)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::helpers::{spawn_app, Backend, Failure, Outcome};

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> Result<(), Failure> {
                super::$name(spawn_app(Backend::Sqlite).await.unwrap()).await.into_outcome()
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> Result<(), Failure> {
                match spawn_app(Backend::Postgres).await {
                    Some(app) => super::$name(app).await.into_outcome(),
                    None => Ok(()),
                }
            }
        }
    )+};
}
