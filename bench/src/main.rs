//! Charla's benchmark program. Each scenario seeds a database, starts the real server
//! on loopback and drives it over HTTP, then prints a table of figures. Timings are
//! printed, never asserted.
//!
//! ```sh
//! cargo run --release -p bench -- contacts [--contacts 1000000] [--samples 200]
//! cargo run --release -p bench -- send [--messages 2000]
//! cargo run --release -p bench -- whatsapp [--messages 1000]
//! cargo run --release -p bench -- email [--messages 500]   # needs scripts/mail-servers.sh
//! cargo run --release -p bench -- list [--conversations 100000] [--messages 10] [--deep 400]
//! cargo run --release -p bench -- search [--conversations 500000] [--messages 10] [--samples 100]
//! cargo run --release -p bench -- weight [--site target/site]
//! cargo run --release -p bench -- signin [--requests 1000]
//! cargo run --release -p bench -- flood [--seconds 60] [--workers 32]
//! cargo run --release -p bench -- client-api [--customers 50] [--messages 20]
//! cargo run --release -p bench -- bots [--customers 20] [--messages 5]
//! cargo run --release -p bench -- reports [--conversations 1000000] [--messages 10] [--samples 50] [--replies 200]
//! cargo run --release -p bench -- automation [--messages 2000] [--rules 50]
//! cargo run -p bench -- quick   # every scenario at a small scale (the test suite runs it)
//! cargo run --release -p bench -- load [--seconds 60] [--rate 200] [--sockets 500] [--batch-ms 20] [--replicas 1]
//! ```
//! PostgreSQL runs too when `CHARLA_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) answers; `CHARLA_BENCH_BACKENDS=postgres`
//! (or `sqlite`) runs one of the two only.
mod automation;
mod bots;
mod client_api;
mod contacts;
mod email;
mod flood;
mod list;
mod load;
mod notify;
mod notify_email;
mod report;
mod reports;
mod search;
mod send;
mod signin;
mod uploads;
mod webhooks;
mod weight;
mod whatsapp;

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::tune_allocator();
    if let Ok(filter) = std::env::var("RUST_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let mut args = std::env::args().skip(1);
    let scenario = args.next().unwrap_or_else(|| "contacts".into());
    let mut options = std::collections::HashMap::new();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        options.insert(flag.trim_start_matches("--").to_owned(), value);
    }
    let number = |name: &str, default: usize| -> anyhow::Result<usize> {
        options
            .get(name)
            .map(|v| v.replace('_', "").parse::<usize>())
            .transpose()
            .map_err(|e| anyhow::anyhow!("--{name}: {e}"))
            .map(|v| v.unwrap_or(default))
    };
    match scenario.as_str() {
        "contacts" => contacts::run(number("contacts", 1_000_000)?, number("samples", 200)?).await,
        "send" => send::run(number("messages", 2_000)?).await,
        "whatsapp" => whatsapp::run(number("messages", 1_000)?).await,
        "automation" => automation::run(number("messages", 2_000)?, number("rules", 50)?).await,
        "email" => email::run(number("messages", 500)?).await,
        "list" => {
            list::run(list::Options {
                conversations: number("conversations", 100_000)?,
                messages_per_conversation: number("messages", 10)?,
                samples: number("samples", 200)?,
                deep_pages: number("deep", 400)?,
            })
            .await
        }
        "search" => {
            search::run(search::Options {
                conversations: number("conversations", 500_000)?,
                messages_per_conversation: number("messages", 10)?,
                samples: number("samples", 100)?,
            })
            .await
        }
        "weight" => weight::run(std::path::Path::new(
            options
                .get("site")
                .map(String::as_str)
                .unwrap_or("target/site"),
        ))
        .map(|_| ()),
        "signin" => signin::run(number("requests", 1_000)?).await,
        "flood" => flood::run(number("seconds", 60)? as u64, number("workers", 32)?).await,
        "uploads" => uploads::run(number("files", 200)?, number("size-kb", 1024)?).await,
        "webhooks" => webhooks::run(number("rate", 200)?, number("seconds", 20)? as u64).await,
        "client-api" => client_api::run(number("customers", 50)?, number("messages", 20)?).await,
        "bots" => bots::run(number("customers", 20)?, number("messages", 5)?).await,
        "reports" => {
            reports::run(reports::Options {
                conversations: number("conversations", 1_000_000)?,
                messages_per_conversation: number("messages", 10)?,
                samples: number("samples", 50)?,
                replies: number("replies", 200)?,
            })
            .await
        }
        "push" => notify::run_push(number("agents", 2_000)?, number("rounds", 5)?).await,
        "notify-email" => {
            notify_email::run(
                number("mentions", 1_000)?,
                number("agents", 100)?,
                number("seconds", 60)? as u64,
            )
            .await
        }
        "load" => {
            load::run(load::Options {
                seconds: number("seconds", 60)? as u64,
                rate: number("rate", 200)?,
                sockets: number("sockets", 500)?,
                replicas: number("replicas", 1)?,
                batch_ms: options
                    .get("batch-ms")
                    .map(|v| v.parse())
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--batch-ms: {e}"))?,
            })
            .await
        }
        "quick" => quick().await,
        // The server alone, configured by the environment (the load scenario's child).
        "serve" => load::serve().await,
        other => {
            anyhow::bail!(
                "unknown scenario {other:?} (known: contacts, send, list, search, whatsapp, automation, email, uploads, load, signin, flood, weight, push, notify-email, webhooks, client-api, bots, reports)"
            )
        }
    }
}

/// Every scenario at a small scale, in seconds: run by the test suite so the program
/// keeps working. Its figures are printed like any run's and mean little at this size.
async fn quick() -> anyhow::Result<()> {
    contacts::run(2_000, 20).await?;
    send::run(100).await?;
    list::run(list::Options {
        conversations: 2_000,
        messages_per_conversation: 5,
        samples: 20,
        deep_pages: 20,
    })
    .await?;
    whatsapp::run(50).await?;
    automation::run(40, 5).await?;
    notify::run_push(50, 2).await?;
    notify_email::run(20, 5, 1).await?;
    webhooks::run(20, 2).await?;
    client_api::run(4, 3).await?;
    bots::run(2, 2).await?;
    reports::run(reports::Options {
        conversations: 2_000,
        messages_per_conversation: 4,
        samples: 5,
        replies: 10,
    })
    .await?;
    search::run(search::Options {
        conversations: 2_000,
        messages_per_conversation: 5,
        samples: 10,
    })
    .await?;
    signin::run(40).await?;
    flood::run(2, 4).await?;
    uploads::run(10, 64).await?;
    load::run(load::Options {
        seconds: 3,
        rate: 20,
        sockets: 20,
        batch_ms: None,
        replicas: 1,
    })
    .await?;
    load::run(load::Options {
        seconds: 3,
        rate: 20,
        sockets: 20,
        batch_ms: None,
        replicas: 2,
    })
    .await?;
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    weight::run(&site)?;
    Ok(())
}

/// A server started for a benchmark, with its temporary directories.
pub struct Running {
    pub addr: SocketAddr,
    pub state: app::state::AppState,
    _dirs: Vec<tempfile::TempDir>,
}

/// A fresh database: a SQLite file in a temporary directory, or a new PostgreSQL
/// database on the test server (`None` when PostgreSQL does not answer).
pub async fn fresh_database(
    postgres: bool,
) -> anyhow::Result<Option<(String, Option<tempfile::TempDir>)>> {
    let backend = if postgres { "postgres" } else { "sqlite" };
    if let Ok(only) = std::env::var("CHARLA_BENCH_BACKENDS") {
        if !only.split(',').any(|b| b.trim() == backend) {
            eprintln!("{backend}: skipped (CHARLA_BENCH_BACKENDS={only})");
            return Ok(None);
        }
    }
    if !postgres {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        return Ok(Some((url, Some(dir))));
    }
    let admin_url = std::env::var("CHARLA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let Ok(admin) = sqlx::AnyPool::connect(&admin_url).await else {
        eprintln!("PostgreSQL not reachable at {admin_url}: skipped");
        return Ok(None);
    };
    let name = format!("charla_bench_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await?;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin_url);
    Ok(Some((format!("{base}/{name}"), None)))
}

/// The real server on a fresh database of this backend, with the backend's name for the
/// tables; `None` when PostgreSQL does not answer (the scenario skips it).
pub async fn start_fresh(postgres: bool) -> anyhow::Result<Option<(&'static str, Running)>> {
    let Some((url, dir)) = fresh_database(postgres).await? else {
        return Ok(None);
    };
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    Ok(Some((backend, start(url, dir).await?)))
}

pub async fn start(
    database_url: String,
    dir: Option<tempfile::TempDir>,
) -> anyhow::Result<Running> {
    start_configured(database_url, dir, |_| {}).await
}

/// [`start`], with the configuration adjusted first.
pub async fn start_configured(
    database_url: String,
    dir: Option<tempfile::TempDir>,
    adjust: impl FnOnce(&mut server::Config),
) -> anyhow::Result<Running> {
    let files = tempfile::tempdir()?;
    let data_dir = dir
        .as_ref()
        .map(|d| d.path().to_owned())
        .unwrap_or_else(std::env::temp_dir);
    let mut config = server::Config {
        data_dir,
        database_url,
        db_max_connections: 8,
        seed_demo: true,
        session_ttl_hours: 1,
        event_retention_days: 7,
        public_url: None,
        site_addr: "127.0.0.1:0".parse()?,
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
        // Figures comparable with earlier runs: availability only by hand, no round of
        // waiting conversations in the background.
        presence: app::live::presence::PresenceRules {
            automatic: false,
            ..Default::default()
        },
        assign_waiting_secs: 0,
        widget_email_after_secs: 120,
        notify: Default::default(),
    };
    adjust(&mut config);
    let (state, _) = server::build_state(&config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = server::router(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let mut dirs = vec![files];
    dirs.extend(dir);
    Ok(Running {
        addr,
        state,
        _dirs: dirs,
    })
}

/// A signed-in HTTP client (the session cookie kept by reqwest's cookie store).
pub async fn signed_in(addr: SocketAddr, email: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let res = client
        .post(format!("http://{addr}/api/login"))
        .form(&[("email", email), ("password", app::db::seed::DEMO_PASSWORD)])
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "sign-in failed: {}",
        res.status()
    );
    Ok(client)
}

/// Drops a benchmark's PostgreSQL database.
/// Makes a seeded database look like a desk that has been running, in the server's
/// write turn (seeds write beside a running server; see `Db::write_turn`): the web
/// chat's mailing queue, which the worker would have emptied long since (the seeded
/// agents' replies queued themselves through its trigger), emptied, the planner's
/// statistics refreshed and, on PostgreSQL, a checkpoint taken.
pub async fn analyze(db: &app::db::Db) -> anyhow::Result<()> {
    let _turn = db.write_turn().await;
    sqlx::query("DELETE FROM widget_mailings WHERE state = 'pending'")
        .execute(&db.pool)
        .await?;
    let sql = match db.backend {
        app::db::Backend::Sqlite => "ANALYZE",
        app::db::Backend::Postgres => "VACUUM ANALYZE",
    };
    sqlx::query(sql).execute(&db.pool).await?;
    // The seed's pages written out now: otherwise the checkpoint its WAL set off goes on
    // writing them through the first timed rows (seen as stray 50 ms samples).
    // Best effort: it needs a superuser (or `pg_checkpoint`), which a bench may lack.
    if db.backend == app::db::Backend::Postgres {
        if let Err(err) = sqlx::query("CHECKPOINT").execute(&db.pool).await {
            eprintln!("no checkpoint after the seed ({err}); figures may include its write-back");
        }
    }
    Ok(())
}

pub async fn drop_database(running: &Running) {
    running.state.db.pool.close().await;
    drop_named_database(running.state.db.url()).await;
}

/// Drops the PostgreSQL database of this URL.
pub async fn drop_named_database(url: &str) {
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    let admin_url = std::env::var("CHARLA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if let Ok(admin) = sqlx::AnyPool::connect(&admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await;
    }
}
