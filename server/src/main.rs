//! `server`: runs Charla. Configuration comes from the environment (README).
//!
//! `server create-admin --email a@b.es [--name "Ana"] [--password …] [--account "Acme"]`
//! creates the first administrator of a database without demo data (the password is
//! read from `CHARLA_ADMIN_PASSWORD` or asked for when not given as a flag).
use std::io::{BufRead, Write};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use server::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::tune_allocator();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let config = Config::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("create-admin") {
        return create_admin(&config, &args[1..]).await;
    }
    if let Some(other) = args.first() {
        anyhow::bail!("unknown command {other:?} (known: create-admin)");
    }
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

fn flag(args: &[String], name: &str) -> anyhow::Result<Option<String>> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| anyhow::anyhow!("{name} needs a value")),
        None => Ok(None),
    }
}

async fn create_admin(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let email = flag(args, "--email")?.ok_or_else(|| anyhow::anyhow!("--email is required"))?;
    let name = flag(args, "--name")?
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let account = flag(args, "--account")?.unwrap_or_else(|| "Charla".to_owned());
    let password =
        match flag(args, "--password")?.or_else(|| std::env::var("CHARLA_ADMIN_PASSWORD").ok()) {
            Some(p) => p,
            None => {
                print!("Password for {email} (8+ characters): ");
                std::io::stdout().flush()?;
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            }
        };
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = app::db::Db::connect(&config.database_url, 2).await?;
    db.migrate().await?;
    match app::agents::ssr::manage::create_first_admin(&db, &account, &email, &name, &password)
        .await
    {
        Ok(agent) => {
            println!(
                "Administrator {} <{}> created; sign in with that email and password.",
                agent.name, agent.email
            );
            Ok(())
        }
        Err(err) => anyhow::bail!("could not create the administrator: {err}"),
    }
}
