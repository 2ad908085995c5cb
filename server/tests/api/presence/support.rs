//! What the availability tests share: each test run on both databases with its own
//! presence rules, and waiting for an agent's availability or a tab's first frame.
use std::time::Duration;

use crate::helpers::*;
use app::domain::Availability;
use app::events::{LiveEvent, ServerFrame};

/// Runs each named test on both databases, its server's presence rules set to the
/// given ones.
macro_rules! with_presence {
    ($($name:ident = $rules:expr),+ $(,)?) => {$(
        mod $name {
            use $crate::helpers::{spawn_app_with, Backend};

            fn adjust(config: &mut server::Config) {
                config.presence = $rules;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(spawn_app_with(Backend::Sqlite, adjust).await.unwrap()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app_with(Backend::Postgres, adjust).await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}
pub(crate) use with_presence;

pub async fn availability(app: &TestApp, agent_id: i64) -> Availability {
    let text: String = sqlx::query_scalar("SELECT availability FROM agents WHERE id = $1")
        .bind(agent_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    Availability::parse(&text).unwrap()
}

/// Waits (up to 15 s: a guard against hanging, not a timing check) for a condition.
pub async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

pub async fn becomes(app: &TestApp, agent_id: i64, wanted: Availability) {
    until(&format!("agent {agent_id} {wanted:?}"), || async {
        availability(app, agent_id).await == wanted
    })
    .await;
}

/// The next availability change on a socket (other frames skipped).
pub async fn next_availability(socket: &mut Socket) -> (i64, Availability) {
    loop {
        if let ServerFrame::Event(event) = next_frame(socket).await {
            if let LiveEvent::AgentAvailabilityChanged {
                agent_id,
                availability,
            } = event.event
            {
                return (agent_id, availability);
            }
        }
    }
}

pub async fn open_tab(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = app.socket(Some(cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    socket
}
