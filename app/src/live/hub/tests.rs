//! The hub alone: delivery once, in order, per account, and batching.
use super::*;
use crate::domain::Availability;
use crate::events::{EventScope, LiveEvent};

fn event(id: i64, account_id: i64) -> EventEnvelope {
    EventEnvelope {
        id,
        account_id,
        scope: EventScope::default(),
        created_at: 0,
        event: LiveEvent::AgentAvailabilityChanged {
            agent_id: 1,
            availability: Availability::Online,
        },
    }
}

fn ids(batch: &Batch) -> Vec<i64> {
    batch.iter().map(|p| p.id).collect()
}

#[tokio::test]
async fn delivers_to_the_account_only_once_and_in_order() {
    let hub = Hub::with_batch_interval(Duration::ZERO);
    let mut one = hub.subscribe(1);
    let mut two = hub.subscribe(2);
    hub.publish_local(event(5, 1));
    hub.publish_local(event(5, 1)); // duplicate from a refill
    hub.publish_local(event(4, 1)); // stale
    hub.publish_local(event(6, 1));
    assert_eq!(ids(&one.recv().await.unwrap()), [5]);
    assert_eq!(ids(&one.recv().await.unwrap()), [6]);
    assert!(one.try_recv().is_err());
    assert!(two.try_recv().is_err());
}

#[tokio::test]
async fn batches_events_that_come_within_the_interval() {
    let hub = Hub::with_batch_interval(Duration::from_millis(200));
    let mut one = hub.subscribe(1);
    // After a quiet spell the first event goes out at once...
    hub.publish_local(event(1, 1));
    assert_eq!(ids(&one.try_recv().unwrap()), [1]);
    // ...the next ones wait for the interval and travel together.
    let started = tokio::time::Instant::now();
    hub.publish_local(event(2, 1));
    hub.publish_local(event(3, 1));
    hub.publish_local(event(3, 1));
    assert!(one.try_recv().is_err());
    assert_eq!(ids(&one.recv().await.unwrap()), [2, 3]);
    assert!(started.elapsed() >= Duration::from_millis(150));
    // Quiet for longer than the interval: at once again.
    tokio::time::sleep(Duration::from_millis(250)).await;
    hub.publish_local(event(4, 1));
    assert_eq!(ids(&one.try_recv().unwrap()), [4]);
    // One transaction's events leave together.
    tokio::time::sleep(Duration::from_millis(250)).await;
    hub.publish_all([event(5, 1), event(6, 1), event(7, 2)]);
    assert_eq!(ids(&one.try_recv().unwrap()), [5, 6]);
}
