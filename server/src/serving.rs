//! Serving until told to stop, then stopping without leaving agents "En línea".
use std::net::SocketAddr;

use tokio::net::TcpListener;

use app::state::AppState;

use crate::router;

/// Serves until the process is told to stop (Ctrl-C, or SIGTERM from a service
/// manager or an orchestrator), then lets go of the agents whose tabs it held.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let (presence, db, hub) = (state.presence.clone(), state.db.clone(), state.hub.clone());
    let (leaving_tx, leaving_rx) = tokio::sync::oneshot::channel();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        stop_requested().await;
        // Agents are let go while the requests in flight finish: an orchestrator's
        // grace period (10 s in Docker) may not outlast one and then the other.
        let leaving = tokio::spawn(async move {
            app::live::presence::leave(&presence, &db, &hub).await;
        });
        let _ = leaving_tx.send(leaving);
    })
    .await?;
    if let Ok(leaving) = leaving_rx.await {
        // Bounded: with the database gone, stopping must not wait on it agent by
        // agent (the other replicas then take the rows for stale, as after a crash).
        if tokio::time::timeout(std::time::Duration::from_secs(10), leaving)
            .await
            .is_err()
        {
            tracing::warn!("stopped before every agent was let go; the other replicas will");
        }
    }
    Ok(())
}

async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: no new connections; letting go of open tabs");
}
