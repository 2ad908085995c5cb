//! Sustained load: agents send replies at a fixed rate for a while through the real
//! endpoint while hundreds of agent sockets listen. The server runs in its own process
//! (this program re-run as `bench serve`), so its memory is its own.
//!
//! Reported: the rate held, send latency, server errors (any non-2xx or failed
//! request), events lost, duplicated or out of order on each socket (every socket must
//! see every reply's `message_created`, in event-id order, once), and the server's
//! resident memory before, during and after the run.
mod frames;
mod process;
mod run;

use crate::report::table;

pub struct Options {
    pub seconds: u64,
    pub rate: usize,
    pub sockets: usize,
    /// `CHARLA_LIVE_BATCH_MS` for the server (its default when `None`).
    pub batch_ms: Option<u64>,
    /// Server processes on one database (more than one: PostgreSQL only). Sockets and
    /// replies are spread over them in turn, so every event crosses between replicas.
    pub replicas: usize,
}

/// Runs the server in this process, configured by the environment (`bench serve`).
pub async fn serve() -> anyhow::Result<()> {
    let config = server::Config::from_env()?;
    let (state, _) = server::build_state(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.site_addr).await?;
    server::serve(listener, state).await?;
    Ok(())
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for postgres in [false, true] {
        if options.replicas > 1 && !postgres {
            continue; // replicas share events through PostgreSQL
        }
        if let Some(row) = run::run_one(postgres, &options).await? {
            rows.push(row);
        }
    }
    println!(
        "\n### Load: replies at a fixed rate with {} agent sockets listening (server in its own process)\n",
        options.sockets
    );
    table(
        &[
            "database",
            "run",
            "messages/s held",
            "send p50 ms",
            "send p99 ms",
            "server errors",
            "sockets",
            "events/s per socket",
            "delivery p50 / p99 ms",
            "KB per idle socket",
            "events lost",
            "duplicated",
            "out of order",
            "sockets dropped",
            "server RSS MB: start / sockets idle / peak / 5 s after",
        ],
        &rows,
    );
    Ok(())
}
