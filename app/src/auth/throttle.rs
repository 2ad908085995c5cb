//! Sign-in throttling: attempts are counted per email typed and per client address
//! inside a sliding window, *before* the password is checked (a right one is forgiven
//! after); past a limit, sign-in is refused without checking the password until
//! enough attempts leave the window. The email is counted whether
//! or not an agent has it, so the limit tells nothing about which addresses exist.
//! Failures live in the database, so every replica sees the same counts.
use super::model::SignInLimits;
use crate::db::{Backend, Db};
use crate::error::AppError;

const ACCOUNT: &str = "account";
const ADDRESS: &str = "address";

/// Failures older than this are swept (longer than any sensible window).
pub const KEEP_FAILURES_MS: i64 = 24 * 3600 * 1000;

/// The keys an attempt is counted under.
fn keys<'a>(
    limits: &SignInLimits,
    email: &'a str,
    address: Option<&'a str>,
) -> Vec<(&'static str, &'a str, u32)> {
    let mut keys = vec![(ACCOUNT, email, limits.per_account)];
    if let Some(address) = address {
        keys.push((ADDRESS, address, limits.per_address));
    }
    keys
}

/// Seconds until a key with this `limit`-th newest failure falls below its limit.
pub fn retry_after_secs(limit_th_newest_at: i64, window_secs: i64, now_ms: i64) -> i64 {
    let free_at = limit_th_newest_at + window_secs * 1000;
    ((free_at - now_ms).max(0) + 999) / 1000
}

/// An attempt counted before its password is checked: its rows, one per key.
#[derive(Debug)]
pub struct Attempt {
    ids: Vec<i64>,
}

/// Counts the attempt against the email and the address, or refuses it when either has
/// used up its window. The check and the count are one transaction, serialised per key
/// (SQLite has one writer; PostgreSQL takes an advisory lock per key, on every
/// replica), so a burst of concurrent attempts cannot all pass the check before any
/// is counted: exactly the limit gets its password checked.
pub async fn begin_attempt(
    db: &Db,
    limits: &SignInLimits,
    email: &str,
    address: Option<&str>,
    now_ms: i64,
) -> Result<Attempt, AppError> {
    let since = now_ms - limits.window_secs * 1000;
    let keys = keys(limits, email, address);
    let mut tx = db.begin_write().await?;
    if tx.backend == Backend::Postgres {
        // Always in the same order (account, then address): no two attempts deadlock.
        for (scope, key, _) in &keys {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("sign-in:{scope}:{key}"))
                .execute(tx.conn())
                .await?;
        }
    }
    let mut wait = 0;
    for (scope, key, limit) in &keys {
        // The limit-th newest attempt inside the window: while it is there, the key is
        // at its limit; once it leaves, there is room for one more.
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT at FROM sign_in_failures WHERE scope = $1 AND key = $2 AND at > $3 \
             ORDER BY at DESC LIMIT 1 OFFSET $4",
        )
        .bind(*scope)
        .bind(*key)
        .bind(since)
        .bind(i64::from((*limit).max(1)) - 1)
        .fetch_optional(tx.conn())
        .await?;
        if let Some(at) = at {
            wait = wait.max(retry_after_secs(at, limits.window_secs, now_ms).max(1));
        }
    }
    if wait > 0 {
        drop(tx);
        tracing::warn!(email, address, retry_after_secs = wait, "sign-in throttled");
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let mut ids = Vec::with_capacity(keys.len());
    for (scope, key, _) in &keys {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sign_in_failures (scope, key, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(*scope)
        .bind(*key)
        .bind(now_ms)
        .fetch_one(tx.conn())
        .await?;
        ids.push(id);
    }
    tx.finish().await?;
    Ok(Attempt { ids })
}

/// The password was right: the account's failures are forgiven, and this attempt stops
/// counting against the address (earlier failures from it still count: one right
/// password must not reset a guessing run over many accounts).
pub async fn succeeded(db: &Db, email: &str, attempt: Attempt) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND key = $2")
        .bind(ACCOUNT)
        .bind(email)
        .execute(tx.conn())
        .await?;
    for id in attempt.ids {
        sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    tx.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        // The 5th newest failure 10 min ago, a 15 min window: 5 min to wait.
        let now = 10_000_000;
        assert_eq!(retry_after_secs(now - 600_000, 900, now), 300);
        assert_eq!(retry_after_secs(now - 600_000 + 1, 900, now), 301);
        assert_eq!(retry_after_secs(now - 900_000, 900, now), 0);
    }

    #[test]
    fn address_is_counted_only_when_known() {
        let limits = SignInLimits::default();
        assert_eq!(keys(&limits, "a@b.c", None).len(), 1);
        let both = keys(&limits, "a@b.c", Some("10.0.0.1"));
        assert_eq!(both[1], (ADDRESS, "10.0.0.1", 30));
    }
}
