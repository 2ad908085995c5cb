//! Sign-in throttling: failed attempts are counted per email typed and per client
//! address inside a sliding window; past a limit, sign-in is refused (without checking
//! the password) until enough failures leave the window. The email is counted whether
//! or not an agent has it, so the limit tells nothing about which addresses exist.
//! Failures live in the database, so every replica sees the same counts.
use crate::db::Db;
use crate::error::AppError;

/// How many failures a window allows. Configuration: `CHARLA_SIGN_IN_MAX_FAILURES`,
/// `CHARLA_SIGN_IN_MAX_FAILURES_PER_ADDRESS`, `CHARLA_SIGN_IN_WINDOW_MINUTES`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    pub per_account: u32,
    /// Higher than per account: an office behind one address shares it.
    pub per_address: u32,
    pub window_secs: i64,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            per_account: 5,
            per_address: 30,
            window_secs: 15 * 60,
        }
    }
}

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

/// Refuses the attempt when the email or the address has used up its window.
pub async fn check(
    db: &Db,
    limits: &SignInLimits,
    email: &str,
    address: Option<&str>,
    now_ms: i64,
) -> Result<(), AppError> {
    let since = now_ms - limits.window_secs * 1000;
    let mut wait = 0;
    for (scope, key, limit) in keys(limits, email, address) {
        // The limit-th newest failure inside the window: while it is there, the key is
        // at its limit; once it leaves, there is room for one more attempt.
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT at FROM sign_in_failures WHERE scope = $1 AND key = $2 AND at > $3 \
             ORDER BY at DESC LIMIT 1 OFFSET $4",
        )
        .bind(scope)
        .bind(key)
        .bind(since)
        .bind(i64::from(limit.max(1)) - 1)
        .fetch_optional(&db.pool)
        .await?;
        if let Some(at) = at {
            wait = wait.max(retry_after_secs(at, limits.window_secs, now_ms).max(1));
        }
    }
    if wait > 0 {
        tracing::warn!(email, address, retry_after_secs = wait, "sign-in throttled");
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    Ok(())
}

/// Counts one failed attempt against the email and the address.
pub async fn record_failure(
    db: &Db,
    limits: &SignInLimits,
    email: &str,
    address: Option<&str>,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    for (scope, key, _) in keys(limits, email, address) {
        sqlx::query("INSERT INTO sign_in_failures (scope, key, at) VALUES ($1, $2, $3)")
            .bind(scope)
            .bind(key)
            .bind(now_ms)
            .execute(tx.conn())
            .await?;
    }
    tx.finish().await?;
    Ok(())
}

/// A successful sign-in forgives the account's failures (not the address's: one
/// right password must not reset a guessing run over many accounts).
pub async fn clear_account(db: &Db, email: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND key = $2")
        .bind(ACCOUNT)
        .bind(email)
        .execute(tx.conn())
        .await?;
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
