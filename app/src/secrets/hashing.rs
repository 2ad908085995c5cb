//! Argon2id costs about 19 MiB and tens of milliseconds of one core per hash or check,
//! so a storm of sign-ins must not run them all at once: every hash and check waits
//! for one of a few permits (about the number of cores), in arrival order, for a
//! bounded time, with a bounded queue; past either the caller gets 503 (try again
//! shortly) and nothing was verified. Configuration: `CHARLA_PASSWORD_HASHING_CONCURRENCY`,
//! `CHARLA_PASSWORD_HASHING_WAIT_SECS`, `CHARLA_PASSWORD_HASHING_QUEUE`.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingLimits {
    /// Hashes or checks running at once.
    pub concurrency: usize,
    /// How long a request waits for its turn.
    pub wait: Duration,
    /// How many may wait; the next one is refused at once.
    pub queue: usize,
}

impl Default for HashingLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingLimits {
            concurrency: cores,
            wait: Duration::from_secs(10),
            queue: 256,
        }
    }
}

struct Gate {
    limits: HashingLimits,
    permits: Semaphore,
    waiting: AtomicUsize,
}

static GATE: OnceLock<Gate> = OnceLock::new();

fn gate() -> &'static Gate {
    GATE.get_or_init(|| Gate::new(HashingLimits::default()))
}

impl Gate {
    fn new(limits: HashingLimits) -> Gate {
        Gate {
            permits: Semaphore::new(limits.concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            limits,
        }
    }
}

/// Sets the limits once, at startup (before any sign-in); later calls change nothing.
pub fn configure(limits: HashingLimits) -> bool {
    GATE.set(Gate::new(limits)).is_ok()
}

/// Runs `work` (a hash or a check) on a blocking thread when a permit is free.
pub async fn run<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(gate(), work).await
}

async fn run_on<T, F>(gate: &'static Gate, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    if gate.waiting.fetch_add(1, Ordering::SeqCst) >= gate.limits.queue {
        gate.waiting.fetch_sub(1, Ordering::SeqCst);
        tracing::warn!("password hashing queue full; refused");
        return Err(AppError::Unavailable);
    }
    let permit = tokio::time::timeout(gate.limits.wait, gate.permits.acquire()).await;
    gate.waiting.fetch_sub(1, Ordering::SeqCst);
    let Ok(Ok(permit)) = permit else {
        tracing::warn!("password hashing: no turn in time; refused");
        return Err(AppError::Unavailable);
    };
    let out = tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal);
    drop(permit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn never_more_than_the_permits_at_once_and_refuses_past_the_queue() {
        // A private gate, so the process-wide one is not touched.
        let gate: &'static Gate = Box::leak(Box::new(Gate::new(HashingLimits {
            concurrency: 2,
            wait: Duration::from_millis(300),
            queue: 4,
        })));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (running, peak) = (running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                run_on(gate, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(100));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        let mut done = 0;
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => done += 1,
                Err(AppError::Unavailable) => refused += 1,
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        assert!(refused > 0, "twelve at once cannot all fit a queue of four");
        assert!(done >= 2, "the first two ran");
        assert_eq!(done + refused, 12);
    }
}
