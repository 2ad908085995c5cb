//! Chatwoot's token sign-in (devise_token_auth's `POST /auth/sign_in`, the way its
//! mobile app and other clients sign in with a password): a session row like the
//! sign-in page's, handed over in response headers rather than a cookie and bound to
//! the client id it was issued to. The client presents it back as the `access-token`,
//! `client` and `uid` headers, or as `Authorization: Bearer` of those in base64 JSON.
//! As in Chatwoot (`change_headers_on_each_request = false`) the token does not change
//! on each request; it lasts as a page session does, and ends as one does (sign-out,
//! a password change, a deactivation).
use base64::Engine;
use sqlx::Row;

use super::model::{Session, SignInLimits};
use super::ssr::{check_credentials, insert_session, lookup_issued, SignInAttempt};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::secrets::token::new_token;

/// devise_token_auth's `max_number_of_devices`: an eleventh sign-in ends the session
/// closest to expiring.
const MAX_DEVICES: i64 = 10;

/// What a client presents on each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented {
    pub token: String,
    pub client: String,
    pub uid: String,
}

impl Presented {
    /// The three headers, or the `Authorization: Bearer` that carries them. `None`
    /// when the request carries neither (it may be a cookie or `api_access_token` call).
    pub fn from_headers(headers: &http::HeaderMap) -> Option<Presented> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = header("access-token") {
            return Some(Presented {
                token,
                client: header("client").unwrap_or_else(|| "default".to_owned()),
                uid: header("uid").unwrap_or_default(),
            });
        }
        let bearer = header("authorization")?;
        let encoded = bearer.strip_prefix("Bearer ")?.trim();
        let json = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()?;
        let fields: serde_json::Value = serde_json::from_slice(&json).ok()?;
        let field = |name: &str| fields.get(name)?.as_str().map(str::to_owned);
        Some(Presented {
            token: field("access-token")?,
            client: field("client").unwrap_or_else(|| "default".to_owned()),
            uid: field("uid").unwrap_or_default(),
        })
    }
}

/// What a sign-in hands over.
#[derive(Debug, Clone)]
pub struct Issued {
    pub agent_id: i64,
    pub token: String,
    pub client: String,
    pub uid: String,
    /// Unix seconds.
    pub expiry: i64,
}

impl Issued {
    /// The response headers devise_token_auth sets (Chatwoot's dashboard keeps them
    /// all; its mobile app keeps `access-token`, `client` and `uid`).
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let expiry = self.expiry.to_string();
        let bearer = serde_json::json!({
            "access-token": self.token,
            "token-type": "Bearer",
            "client": self.client,
            "expiry": expiry,
            "uid": self.uid,
        });
        let authorization = format!(
            "Bearer {}",
            base64::engine::general_purpose::STANDARD.encode(bearer.to_string())
        );
        vec![
            ("access-token", self.token.clone()),
            ("token-type", "Bearer".to_owned()),
            ("client", self.client.clone()),
            ("expiry", expiry),
            ("uid", self.uid.clone()),
            ("authorization", authorization),
        ]
    }
}

/// Checks the password (throttled as the sign-in page is) and opens a session for a
/// new client id.
pub async fn sign_in(
    db: &Db,
    attempt: SignInAttempt<'_>,
    limits: &SignInLimits,
    ttl_secs: i64,
) -> Result<Issued, AppError> {
    let user_agent = attempt.user_agent;
    let agent_id = check_credentials(db, attempt, limits).await?;
    let client = new_token();
    let mut tx = db.begin_write().await?;
    let token = insert_session(&mut tx, agent_id, user_agent, Some(&client), ttl_secs).await?;
    // Portable "all but the newest ten": LIMIT with OFFSET reads alike on both databases.
    sqlx::query(
        "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions \
         WHERE agent_id = $1 AND device_client IS NOT NULL \
         ORDER BY expires_at DESC, created_at DESC LIMIT 100000 OFFSET $2)",
    )
    .bind(agent_id)
    .bind(MAX_DEVICES)
    .execute(tx.conn())
    .await?;
    let email: String = sqlx::query("SELECT email FROM agents WHERE id = $1")
        .bind(agent_id)
        .fetch_one(tx.conn())
        .await?
        .try_get("email")?;
    tx.finish().await?;
    Ok(Issued {
        agent_id,
        token,
        client,
        uid: email,
        expiry: now_ms() / 1000 + ttl_secs,
    })
}

/// The live session these headers present: issued to this client, for the agent the
/// `uid` names. Slides its expiry as a page session's does.
pub async fn lookup(
    db: &Db,
    presented: &Presented,
    ttl_secs: i64,
) -> Result<Option<Session>, sqlx::Error> {
    let session = lookup_issued(db, &presented.token, Some(&presented.client), ttl_secs).await?;
    Ok(session.filter(|s| s.agent.email.eq_ignore_ascii_case(presented.uid.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_the_three_headers_or_the_bearer_that_carries_them() {
        let issued = Issued {
            agent_id: 1,
            token: "tok".into(),
            client: "cli".into(),
            uid: "ana@example.com".into(),
            expiry: 1,
        };
        let expected = Some(Presented {
            token: "tok".into(),
            client: "cli".into(),
            uid: "ana@example.com".into(),
        });
        let plain = headers(&[
            ("access-token", "tok"),
            ("client", "cli"),
            ("uid", "ana@example.com"),
        ]);
        assert_eq!(Presented::from_headers(&plain), expected);
        let answer = issued.headers();
        let (_, bearer) = answer.iter().find(|(n, _)| *n == "authorization").unwrap();
        assert_eq!(
            Presented::from_headers(&headers(&[("authorization", bearer)])),
            expected
        );
        assert_eq!(
            Presented::from_headers(&headers(&[("authorization", "Bearer nope")])),
            None
        );
        assert_eq!(
            Presented::from_headers(&headers(&[("uid", "ana@example.com")])),
            None
        );
    }
}
