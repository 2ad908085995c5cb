//! What the public widget lets one visitor, one address and one inbox do. The widget
//! answers anyone who knows an inbox's public token (it is in every customer page), so
//! without limits a script could create a contact per request, fill the disk with
//! uploads or hold thousands of sockets. Rates are token buckets per key (`governor`,
//! GCRA: one timestamp per key), counted in this process: each replica keeps its own
//! counts, so N replicas let N times the rate through (documented in SECURITY.md).
//! Pending uploads are counted in the database (they outlive a process); sockets are
//! counted here while they are open.
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use crate::error::AppError;

/// Configuration (`CHARLA_WIDGET_*`, README). Rates are per minute, with a burst of the
/// same size: a key may spend its minute at once, then earns one back every
/// `60 / n` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WidgetLimits {
    /// New visitors (a contact, an identity and a conversation each) per client address.
    pub new_visitors_per_address: u32,
    /// New visitors per inbox, from all addresses together.
    pub new_visitors_per_inbox: u32,
    /// Messages and uploads per client address.
    pub messages_per_address: u32,
    /// Messages and uploads per inbox, from all addresses together.
    pub messages_per_inbox: u32,
    /// Files a visitor may hold uploaded but not yet sent.
    pub pending_files: u32,
    /// Their bytes together.
    pub pending_bytes: u64,
    /// Megabytes of uploads per client address per hour (what reaches the disk).
    pub upload_mb_per_address: u32,
    /// Open live sockets per visitor (tabs of one browser, or a verified customer's devices).
    pub sockets_per_identity: u32,
    /// Open visitor sockets per client address.
    pub sockets_per_address: u32,
}

impl Default for WidgetLimits {
    fn default() -> Self {
        WidgetLimits {
            new_visitors_per_address: 30,
            new_visitors_per_inbox: 600,
            messages_per_address: 120,
            messages_per_inbox: 6000,
            pending_files: 10,
            pending_bytes: 100 * 1024 * 1024,
            upload_mb_per_address: 500,
            sockets_per_identity: 8,
            sockets_per_address: 64,
        }
    }
}

/// The runtime side of [`WidgetLimits`]: one per process, shared by every request.
pub struct WidgetGuard {
    limits: WidgetLimits,
    new_by_address: DefaultKeyedRateLimiter<String>,
    new_by_inbox: DefaultKeyedRateLimiter<i64>,
    messages_by_address: DefaultKeyedRateLimiter<String>,
    messages_by_inbox: DefaultKeyedRateLimiter<i64>,
    /// Openings of the chat (`webwidget_triggered`): the messages' rates, their own buckets.
    opened_by_address: DefaultKeyedRateLimiter<String>,
    opened_by_inbox: DefaultKeyedRateLimiter<i64>,
    /// One cell per MiB uploaded.
    upload_mib_by_address: DefaultKeyedRateLimiter<String>,
    sockets: Mutex<OpenSockets>,
}

impl std::fmt::Debug for WidgetGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WidgetGuard")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn per_minute<K: Hash + Eq + Clone>(n: u32) -> DefaultKeyedRateLimiter<K> {
    RateLimiter::keyed(Quota::per_minute(
        NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN),
    ))
}

/// Seconds until `limiter` lets `key` through again (at least one).
fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), i64> {
    limiter.check_key(key).map_err(seconds_until)
}

/// Whole seconds (at least one) until a refused cell is free.
fn seconds_until(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> i64 {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    (wait.as_millis() as i64 + 999).div_euclid(1000).max(1)
}

impl WidgetGuard {
    pub fn new(limits: WidgetLimits) -> Self {
        WidgetGuard {
            limits,
            new_by_address: per_minute(limits.new_visitors_per_address),
            new_by_inbox: per_minute(limits.new_visitors_per_inbox),
            messages_by_address: per_minute(limits.messages_per_address),
            messages_by_inbox: per_minute(limits.messages_per_inbox),
            opened_by_address: per_minute(limits.messages_per_address),
            opened_by_inbox: per_minute(limits.messages_per_inbox),
            upload_mib_by_address: RateLimiter::keyed(Quota::per_hour(
                NonZeroU32::new(limits.upload_mb_per_address).unwrap_or(NonZeroU32::MIN),
            )),
            sockets: Mutex::new(OpenSockets::default()),
        }
    }

    pub fn limits(&self) -> &WidgetLimits {
        &self.limits
    }

    /// Counts a message or an upload; refused (429) past either limit. The address is
    /// asked first, so one noisy address spends its own allowance, not the inbox's.
    pub fn message(&self, inbox_id: i64, address: Option<&str>) -> Result<(), AppError> {
        self.both(
            &self.messages_by_address,
            &self.messages_by_inbox,
            inbox_id,
            address,
        )
        .inspect_err(|_| {
            tracing::warn!(
                inbox_id,
                address,
                "widget messages throttled (behind a reverse proxy without CHARLA_TRUST_PROXY=1 \
                 every visitor shares the proxy's address)"
            )
        })
    }

    /// Counts an opening of the chat; refused (429) past the address's or the inbox's rate.
    pub fn opened(&self, inbox_id: i64, address: Option<&str>) -> Result<(), AppError> {
        self.both(
            &self.opened_by_address,
            &self.opened_by_inbox,
            inbox_id,
            address,
        )
    }

    /// Counts a visitor about to be created (contact, identity, conversation).
    pub fn new_visitor(&self, inbox_id: i64, address: Option<&str>) -> Result<(), AppError> {
        self.both(&self.new_by_address, &self.new_by_inbox, inbox_id, address)
            .inspect_err(|_| tracing::warn!(inbox_id, address, "new widget visitors throttled"))
    }

    /// Counts the megabytes of an upload just stored against its address; past the
    /// hour's allowance it is refused (the caller removes the file).
    pub fn uploaded(&self, address: Option<&str>, bytes: u64) -> Result<(), AppError> {
        let Some(address) = address else {
            return Ok(());
        };
        let mib = bytes.div_ceil(1024 * 1024).max(1);
        let cells =
            NonZeroU32::new(u32::try_from(mib).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        match self
            .upload_mib_by_address
            .check_key_n(&address.to_owned(), cells)
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => {
                tracing::warn!(address, "widget upload volume throttled");
                Err(AppError::RateLimited {
                    retry_after_secs: seconds_until(not_until),
                })
            }
            // Larger than a whole hour's allowance.
            Err(_) => Err(AppError::RateLimited {
                retry_after_secs: 3600,
            }),
        }
    }

    fn both(
        &self,
        by_address: &DefaultKeyedRateLimiter<String>,
        by_inbox: &DefaultKeyedRateLimiter<i64>,
        inbox_id: i64,
        address: Option<&str>,
    ) -> Result<(), AppError> {
        if let Some(address) = address {
            check(by_address, &address.to_owned())
                .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        }
        check(by_inbox, &inbox_id)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
    }

    /// A place for one more visitor socket, held until the returned slot is dropped;
    /// refused (429) when the visitor or the address has its maximum open.
    pub fn open_socket(
        self: &Arc<Self>,
        identity_id: i64,
        address: Option<&str>,
    ) -> Result<SocketSlot, AppError> {
        let mut open = self.sockets.lock().unwrap_or_else(|p| p.into_inner());
        let by_identity = open.by_identity.get(&identity_id).copied().unwrap_or(0);
        let by_address = address.map_or(0, |a| open.by_address.get(a).copied().unwrap_or(0));
        if by_identity >= self.limits.sockets_per_identity
            || by_address >= self.limits.sockets_per_address
        {
            tracing::warn!(
                identity_id,
                address,
                "visitor sockets at their limit (many visitors behind one address? behind a \
                 reverse proxy, set CHARLA_TRUST_PROXY=1 so each client counts on its own)"
            );
            return Err(AppError::RateLimited {
                retry_after_secs: 30,
            });
        }
        *open.by_identity.entry(identity_id).or_default() += 1;
        if let Some(address) = address {
            *open.by_address.entry(address.to_owned()).or_default() += 1;
        }
        Ok(SocketSlot {
            guard: Arc::clone(self),
            identity_id,
            address: address.map(str::to_owned),
        })
    }

    /// Forgets keys whose buckets are full again (run now and then: a flood from many
    /// addresses would otherwise leave one entry per address behind).
    pub fn sweep(&self) {
        for limiter in [
            &self.new_by_address,
            &self.messages_by_address,
            &self.opened_by_address,
            &self.upload_mib_by_address,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        for limiter in [
            &self.new_by_inbox,
            &self.messages_by_inbox,
            &self.opened_by_inbox,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// Open visitor sockets (for tests and the bench).
    pub fn open_sockets(&self) -> usize {
        let open = self.sockets.lock().unwrap_or_else(|p| p.into_inner());
        open.by_identity.values().map(|n| *n as usize).sum()
    }
}

#[derive(Default)]
struct OpenSockets {
    by_identity: HashMap<i64, u32>,
    by_address: HashMap<String, u32>,
}

fn release<K: Hash + Eq>(counts: &mut HashMap<K, u32>, key: &K) {
    if let Some(n) = counts.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(key);
        }
    }
}

/// One open visitor socket; its place is given back when dropped.
pub struct SocketSlot {
    guard: Arc<WidgetGuard>,
    identity_id: i64,
    address: Option<String>,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.guard.sockets.lock().unwrap_or_else(|p| p.into_inner());
        release(&mut open.by_identity, &self.identity_id);
        if let Some(address) = &self.address {
            release(&mut open.by_address, address);
        }
    }
}

impl WidgetLimits {
    /// Every limit lifted (the bench's "before" run).
    pub fn lifted() -> Self {
        WidgetLimits {
            new_visitors_per_address: u32::MAX,
            new_visitors_per_inbox: u32::MAX,
            messages_per_address: u32::MAX,
            messages_per_inbox: u32::MAX,
            pending_files: u32::MAX,
            pending_bytes: u64::MAX,
            upload_mb_per_address: u32::MAX,
            sockets_per_identity: u32::MAX,
            sockets_per_address: u32::MAX,
        }
    }

    /// What a visitor may hold uploaded but not yet sent.
    pub fn pending(&self) -> crate::storage::uploads::PendingLimit {
        crate::storage::uploads::PendingLimit {
            files: self.pending_files,
            bytes: self.pending_bytes,
        }
    }
}

#[cfg(test)]
mod tests;
