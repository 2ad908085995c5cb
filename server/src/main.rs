//! `server`: runs Charla. Configuration comes from the environment (README).
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use server::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let config = Config::from_env()?;
    let (state, seeded) = server::build_state(&config).await?;
    let listener = TcpListener::bind(config.site_addr).await?;
    let url = config.public_url(listener.local_addr()?);
    println!("\nCharla is running at {url}");
    if config.seed_demo {
        println!(
            "Demo data {}. Sign in with any of these (password \"{}\"):",
            if seeded { "created" } else { "already present" },
            app::db::seed::DEMO_PASSWORD
        );
        for (email, name, role) in app::db::seed::DEMO_AGENTS {
            println!("  {email:<22} {name} ({role})");
        }
    }
    println!();
    server::serve(listener, state).await?;
    Ok(())
}
