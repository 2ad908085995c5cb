//! Server side of authentication: signing in (throttled, Argon2id-verified), session
//! rows and their cookies.
use sqlx::Row;

use super::model::{Session, SignInLimits};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::password::verify_password;
use crate::secrets::token::{new_token, token_hash};
use crate::wire::request::cookie_value;

pub const SESSION_COOKIE: &str = "charla_session";
/// The name where cookies are `Secure`: the `__Host-` prefix makes browsers refuse it
/// unless it is Secure, for this exact host and path `/`, so neither a sibling
/// subdomain nor a plain-http page can plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-charla_session";
/// `last_seen_at` is refreshed at most this often, so reads do not all become writes.
const TOUCH_INTERVAL_MS: i64 = 5 * 60 * 1000;

/// What a sign-in form sends, with where it came from.
pub struct SignInAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub user_agent: Option<&'a str>,
    /// The client's address (see `wire::request::client_address`); `None` when unknown.
    pub address: Option<&'a str>,
}

/// Checks the credentials and opens a session; returns the cookie token.
pub async fn sign_in(
    db: &Db,
    attempt: SignInAttempt<'_>,
    limits: &SignInLimits,
    ttl_secs: i64,
) -> Result<String, AppError> {
    let user_agent = attempt.user_agent;
    let agent_id = check_credentials(db, attempt, limits).await?;
    open_session(db, agent_id, user_agent, ttl_secs).await
}

/// The active agent these credentials are hers, throttled as every sign-in is.
pub async fn check_credentials(
    db: &Db,
    attempt: SignInAttempt<'_>,
    limits: &SignInLimits,
) -> Result<i64, AppError> {
    let email = attempt.email.trim().to_lowercase();
    let address = attempt.address;
    let now = now_ms();
    let counted = super::throttle::begin_attempt(db, limits, &email, address, now).await?;
    let row = sqlx::query("SELECT id, password_hash FROM agents WHERE email = $1 AND active = 1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await?;
    let stored = match &row {
        Some(row) => Some((
            row.try_get::<i64, _>("id")?,
            row.try_get::<String, _>("password_hash")?,
        )),
        None => None,
    };
    // An invited agent who has not chosen a password (empty hash) is refused like an
    // unknown address, after the same Argon2 work.
    let (agent_id, hash) = match stored.filter(|(_, hash)| !hash.is_empty()) {
        Some((id, hash)) => (Some(id), hash),
        None => (None, crate::secrets::password::decoy_hash().to_owned()),
    };
    let password = attempt.password.to_owned();
    // Past the count, so a refusal here (503, server busy) has still used an attempt.
    let valid = crate::secrets::hashing::run(move || verify_password(&hash, &password)).await?;
    let Some(agent_id) = agent_id.filter(|_| valid) else {
        return Err(AppError::InvalidCredentials);
    };
    super::throttle::succeeded(db, &email, counted).await?;
    Ok(agent_id)
}

/// A new session for the agent; its cookie token.
pub async fn open_session(
    db: &Db,
    agent_id: i64,
    user_agent: Option<&str>,
    ttl_secs: i64,
) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    let token = open_session_in_tx(&mut tx, agent_id, user_agent, ttl_secs).await?;
    tx.finish().await?;
    Ok(token)
}

/// [`open_session`] inside the caller's transaction.
pub async fn open_session_in_tx(
    tx: &mut crate::db::WriteTx,
    agent_id: i64,
    user_agent: Option<&str>,
    ttl_secs: i64,
) -> Result<String, sqlx::Error> {
    insert_session(tx, agent_id, user_agent, None, ttl_secs).await
}

/// A session row; `device_client` only for a Chatwoot client's sign-in
/// (`auth::device`). Returns the token the row is the hash of.
pub(super) async fn insert_session(
    tx: &mut crate::db::WriteTx,
    agent_id: i64,
    user_agent: Option<&str>,
    device_client: Option<&str>,
    ttl_secs: i64,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, agent_id, created_at, last_seen_at, expires_at, user_agent, device_client) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(token_hash(&token))
    .bind(agent_id)
    .bind(now)
    .bind(now + ttl_secs * 1000)
    .bind(user_agent)
    .bind(device_client)
    .execute(tx.conn())
    .await?;
    Ok(token)
}

/// The live session behind a cookie token, if any; slides its expiry forward.
pub async fn lookup(db: &Db, token: &str, ttl_secs: i64) -> Result<Option<Session>, sqlx::Error> {
    lookup_issued(db, token, None, ttl_secs).await
}

/// [`lookup`], and when `device_client` is given, only a session issued to that
/// client (`auth::device`).
pub(super) async fn lookup_issued(
    db: &Db,
    token: &str,
    device_client: Option<&str>,
    ttl_secs: i64,
) -> Result<Option<Session>, sqlx::Error> {
    let hash = token_hash(token);
    let now = now_ms();
    let mut sql = String::from(
        "SELECT s.last_seen_at, a.id, a.account_id, a.email, a.name, a.display_name, a.role, a.availability \
         FROM sessions s JOIN agents a ON a.id = s.agent_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active = 1",
    );
    // A client's session is presented with its client id, a page's as a cookie: neither
    // opens the other's way in (a client's token is kept where scripts can read it).
    if device_client.is_some() {
        sql.push_str(" AND s.device_client = $3");
    } else {
        sql.push_str(" AND s.device_client IS NULL");
    }
    let mut query = sqlx::query(&sql).bind(&hash).bind(now);
    if let Some(client) = device_client {
        query = query.bind(client);
    }
    let row = query.fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Ok(None) };
    let last_seen: i64 = row.try_get("last_seen_at")?;
    if now - last_seen > TOUCH_INTERVAL_MS {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(now + ttl_secs * 1000)
            .bind(&hash)
            .execute(tx.conn())
            .await?;
        tx.finish().await?;
    }
    Ok(Some(Session {
        token_hash: hash,
        agent: crate::agents::model::profile_from_row(&row)?,
    }))
}

/// Tells every replica that sessions of this agent ended (`only` one, or all `except`
/// one, by [`crate::events::session_tag`]): their live sockets close.
pub async fn sessions_ended_in_tx(
    tx: &mut crate::db::WriteTx,
    account_id: i64,
    agent_id: i64,
    only: Option<String>,
    except: Option<String>,
) -> Result<(), AppError> {
    tx.append_event(
        account_id,
        crate::events::EventScope {
            agent_id: Some(agent_id),
            ..Default::default()
        },
        crate::events::LiveEvent::SessionsEnded {
            agent_id,
            only,
            except,
        },
    )
    .await?;
    Ok(())
}

/// Signs out: the session row goes, and its live sockets close on every replica.
pub async fn end_session(
    db: &Db,
    hub: &crate::live::hub::Hub,
    token_hash: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let ended: Option<(i64, i64)> = sqlx::query_as(
        "SELECT s.agent_id, a.account_id FROM sessions s JOIN agents a ON a.id = s.agent_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(tx.conn())
    .await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx.conn())
        .await?;
    if let Some((agent_id, account_id)) = ended {
        let only = Some(crate::events::session_tag(token_hash));
        sessions_ended_in_tx(&mut tx, account_id, agent_id, only, None).await?;
    }
    hub.commit(tx).await?;
    Ok(())
}

pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    if secure {
        format!("{SECURE_SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}; Secure")
    } else {
        format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}")
    }
}

/// The session token a request carries, under either name (a deployment that moved
/// to https keeps its sessions until they expire).
pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
    cookie_value(headers, SECURE_SESSION_COOKIE).or_else(|| cookie_value(headers, SESSION_COOKIE))
}

pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// Adds a `Set-Cookie` to the server function's response.
pub fn set_cookie(cookie: &str) {
    use leptos::prelude::use_context;
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::password::hash_password;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "Correct horse"));
        assert!(!verify_password("not a hash", "correct horse"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn cookie_is_http_only_and_same_site() {
        let cookie = session_cookie("abc", 60, true);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Secure")
        );
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; charla_session=tok; b=2".parse().unwrap(),
        );
        assert_eq!(
            cookie_value(&headers, SESSION_COOKIE).as_deref(),
            Some("tok")
        );
        headers.insert(http::header::COOKIE, "charla_session=".parse().unwrap());
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), None);
    }

    #[test]
    fn secure_cookies_carry_the_host_prefix() {
        let secure = session_cookie("abc", 60, true);
        assert!(
            secure.starts_with("__Host-charla_session=abc; Path=/;"),
            "{secure}"
        );
        assert!(!secure.contains("Domain"));
        let plain = session_cookie("abc", 60, false);
        assert!(plain.starts_with("charla_session=abc;") && !plain.contains("Secure"));
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "charla_session=old; __Host-charla_session=new"
                .parse()
                .unwrap(),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("new"));
    }
}
