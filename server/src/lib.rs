//! Charla's server: wires configuration, storage, the live hub and the router.
//! The product itself lives in the `app` crate.
#![recursion_limit = "512"]

mod attachments;
mod cable;
mod chatwoot;
pub mod config;
mod contacts;
mod errors;
mod extract;
mod guard;
pub mod maintenance;
mod reports;
mod serving;
mod session;
mod shell_files;
mod uploads;
mod whatsapp;
mod widget;
mod ws;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

use app::db::Db;
use app::live::hub::Hub;
use app::state::{AppState, Settings};
use app::{shell, App};

pub use config::Config;
pub use serving::serve;

/// Connects to the database, migrates it, seeds the demo on an empty one and starts
/// cross-replica event delivery.
pub async fn build_state(config: &Config) -> anyhow::Result<(AppState, bool)> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    let seeded = if config.seed_demo {
        app::db::seed::seed_demo_if_empty(&db)
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo data failed: {e}"))?
    } else {
        false
    };
    let hub = Hub::with_batch_interval(std::time::Duration::from_millis(config.live_batch_ms));
    hub.start_replication(&db);
    let secrets = config.secrets()?;
    let graph = app::channels::whatsapp::graph::Graph::new(config.outbound.clone());
    let files = config.files()?;
    let whatsapp = app::channels::whatsapp::WhatsApp {
        db: db.clone(),
        hub: hub.clone(),
        secrets: secrets.clone(),
        graph: graph.clone(),
        files: files.clone(),
        default_country: config.default_country.clone(),
    };
    maintenance::spawn(
        db.clone(),
        hub.clone(),
        config.event_retention_days,
        files.clone(),
    );
    maintenance::spawn_report_hours(db.clone());
    maintenance::spawn_template_sync(whatsapp.clone(), config.template_sync_minutes);
    app::channels::whatsapp::spawn_media_fetcher(whatsapp.clone());
    let email = app::channels::email::EmailAdapter::new(
        db.clone(),
        secrets.clone(),
        files.clone(),
        config.outbound.clone(),
    );
    app::channels::email::poller::spawn(app::channels::email::Email {
        db: db.clone(),
        hub: hub.clone(),
        secrets: secrets.clone(),
        files: files.clone(),
        outbound: config.outbound.clone(),
        max_mail_bytes: config.email_max_bytes,
        uploads: config.uploads,
    });
    app::automation::ssr::engine::spawn(db.clone(), hub.clone());
    app::channels::web_chat::mailing::spawn(app::channels::web_chat::mailing::Mailing {
        db: db.clone(),
        hub: hub.clone(),
        secrets: secrets.clone(),
        outbound: config.outbound.clone(),
        after: std::time::Duration::from_secs(config.widget_email_after_secs),
    });
    app::outbox::spawn(
        db.clone(),
        hub.clone(),
        channel_adapters(whatsapp, email),
        config.public_url(config.site_addr),
    );
    spawn_notifications(config, &db, &hub, &secrets).await?;
    let leptos_options = LeptosOptions::builder()
        .output_name("charla")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .build();
    // Process-wide, like the cores it shares out; the first configuration wins.
    app::secrets::hashing::configure(config.hashing);
    let widget_guard = Arc::new(app::widget::ssr::limits::WidgetGuard::new(config.widget));
    maintenance::spawn_widget_sweep(widget_guard.clone());
    let presence = Arc::new(app::live::presence::Presence::new(config.presence));
    app::live::presence::spawn_heartbeat(presence.clone(), db.clone(), hub.clone());
    maintenance::spawn_waiting_assignment(
        db.clone(),
        hub.clone(),
        presence.arrivals.clone(),
        config.assign_waiting_secs,
    );
    let public_url = config
        .public_url
        .as_deref()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty());
    let invitation_mail = config.notify.invitation_mail(public_url.as_deref());
    let state = AppState {
        leptos_options,
        db,
        hub,
        settings: Arc::new(Settings {
            session_ttl_secs: config.session_ttl_hours * 3600,
            secure_cookies: config.secure_cookies(),
            hsts: config.hsts(),
            default_country: config.default_country.clone(),
            files: files.clone(),
            uploads: config.uploads,
            secrets,
            sign_in: config.sign_in,
            trust_proxy: config.trust_proxy,
            outbound: config.outbound.clone(),
            notify_email: config.notify.smtp_url.is_some(),
            public_url,
            invitation_mail,
        }),
        graph,
        widget_guard,
        presence,
    };
    spawn_webhooks(config, &state);
    Ok((state, seeded))
}

/// Web Push (with the installation's VAPID key) and email notifications.
async fn spawn_notifications(
    config: &Config,
    db: &Db,
    hub: &Hub,
    secrets: &app::secrets::SecretBox,
) -> anyhow::Result<()> {
    use app::notifications::ssr::{email, fanout, push::Pusher, push_worker, vapid};
    let subject = config.notify.subject(config.public_url.as_deref());
    let key = config.notify.vapid_private_key.as_deref();
    let vapid = vapid::load(db, secrets, key, &subject).await?;
    let pusher = Arc::new(Pusher::new(vapid, &config.outbound));
    push_worker::spawn(db.clone(), hub.clone(), pusher);
    fanout::spawn(db.clone(), hub.clone());
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.site_addr));
    let notices = config.notify.email(public_url.clone());
    // A rule's "email teammates" goes through the same SMTP setting.
    app::automation::ssr::mail::spawn(db.clone(), notices.mail.clone(), public_url);
    email::spawn(db.clone(), notices);
    Ok(())
}

/// Webhooks: the dispatcher (event log to deliveries) and the sender.
fn spawn_webhooks(config: &Config, state: &AppState) {
    use app::chatwoot::ssr::webhooks::{dispatch, send};
    let woken = Arc::new(tokio::sync::Notify::new());
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.site_addr));
    let base_url = public_url.trim_end_matches('/').to_owned();
    app::chatwoot::ssr::webhooks::typing::spawn(state.clone(), base_url.clone());
    dispatch::spawn(state.clone(), base_url, woken.clone());
    let sender = send::Sender::new(
        state.db.clone(),
        state.settings.secrets.clone(),
        &config.outbound,
    );
    send::spawn(sender, woken);
}

/// The adapter of each channel; a channel without one fails its sends visibly.
fn channel_adapters(
    whatsapp: app::channels::whatsapp::WhatsApp,
    email: app::channels::email::EmailAdapter,
) -> app::channels::adapter::Adapters {
    let mut adapters: app::channels::adapter::Adapters = std::collections::HashMap::new();
    adapters.insert(
        app::domain::ChannelKind::WebChat,
        Arc::new(app::channels::web_chat::WebChat),
    );
    adapters.insert(
        app::domain::ChannelKind::WhatsApp,
        Arc::new(app::channels::whatsapp::WhatsAppAdapter::new(whatsapp)),
    );
    adapters.insert(app::domain::ChannelKind::Email, Arc::new(email));
    adapters.insert(
        app::domain::ChannelKind::Api,
        Arc::new(app::channels::api_inbox::ApiInbox),
    );
    adapters
}

/// Every route outside Leptos (whose pages and server functions Leptos lists itself).
/// The authorisation test walks this list, so a route added here without a rule
/// there fails it.
fn plain_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/live", get(ws::upgrade)),
        ("/cable", get(cable::upgrade)),
        ("/api/widget/live", get(widget::upgrade)),
        ("/widget.js", get(widget::embed_script)),
        ("/packs/js/sdk.js", get(widget::chatwoot_sdk)),
        (
            "/api/widget/triggered",
            post(widget::triggered).layer(DefaultBodyLimit::max(16 * 1024)),
        ),
        ("/api/contacts/export.csv", get(contacts::export)),
        ("/api/reports/export.csv", get(reports::export)),
        (
            "/api/contacts/import",
            post(contacts::import).layer(DefaultBodyLimit::max(
                app::contacts::ssr::csv_io::IMPORT_MAX_BYTES + 1,
            )),
        ),
        ("/api/attachments/{id}", get(attachments::download)),
        (
            "/api/widget/attachments/{id}",
            get(attachments::visitor_download),
        ),
        // Uploads stream and enforce their own limits (per channel and type).
        (
            "/api/uploads",
            post(uploads::agent_upload).layer(DefaultBodyLimit::disable()),
        ),
        ("/api/uploads/{id}/discard", post(uploads::agent_discard)),
        (
            "/api/widget/uploads",
            post(uploads::visitor_upload).layer(DefaultBodyLimit::disable()),
        ),
        (
            "/api/widget/uploads/{id}/discard",
            post(uploads::visitor_discard),
        ),
        (
            "/webhooks/whatsapp/{inbox_id}",
            get(whatsapp::verify)
                .post(whatsapp::receive)
                .layer(DefaultBodyLimit::max(whatsapp::WEBHOOK_MAX_BYTES)),
        ),
        ("/healthz", get(|| async { "ok" })),
        ("/sw.js", get(shell_files::worker)),
    ]
}

/// The paths of [`plain_routes`], for the authorisation test.
pub fn plain_route_paths() -> Vec<String> {
    plain_routes()
        .into_iter()
        .map(|(path, _)| path.to_owned())
        .chain(chatwoot::routes().into_iter().map(|(path, _)| path))
        .collect()
}

/// The pages' routes, generated once per process. Generating them runs the app with
/// resource loading suspended process-wide (leptos_server's `SuppressResourceLoad`),
/// and a page rendering meanwhile on another server of the same process (the API
/// tests start dozens) would wait for ever on a resource first polled in that window
/// (leptos#4773): the authorisation matrix's call that hung in CI.
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let page_state = state.clone();
    let mut router = Router::new();
    for (path, route) in plain_routes() {
        router = router.route(path, route);
    }
    for (path, route) in chatwoot::routes() {
        router = router.route(&path, route);
    }
    // The client bundle, as `cargo leptos build --release --precompress --split` left it: the
    // brotli or gzip file when the browser takes it (a fifth of the WASM's size), else
    // the file itself.
    let pkg_dir = std::path::Path::new(state.leptos_options.site_root.as_ref())
        .join(state.leptos_options.site_pkg_dir.as_ref());
    shell_files::init(&pkg_dir);
    router = router.nest_service(
        "/pkg",
        tower_http::services::ServeDir::new(pkg_dir)
            .precompressed_br()
            .precompressed_gzip(),
    );
    router
        .leptos_routes_with_context(
            &state,
            routes,
            || {},
            move || shell(page_state.leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(errors::status_from_app_error))
        .layer(axum::middleware::from_fn(shell_files::name_build))
        .layer(axum::middleware::from_fn(guard::same_origin))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::resolve,
        ))
        // The path only: query strings carry visitor tokens, which are never logged.
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(
            |request: &http::Request<axum::body::Body>| {
                tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
            },
        ))
        .with_state(state)
}

/// glibc raises its mmap threshold after a large block is freed, so the 19 MiB that each
/// Argon2id check allocates would then come from a thread's arena and stay resident
/// after it is freed; with checks moving between blocking threads, resident memory grows
/// by that much per thread. A fixed threshold (which turns the raising off) keeps such
/// blocks mmapped and returned to the system when freed.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called once at startup.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    }
}
