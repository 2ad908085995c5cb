//! The installation's VAPID key (RFC 8292): push services accept a message only with
//! a token signed by the key the browser subscribed with, so every replica signs with
//! the one key kept in the database (sealed like channel secrets) or configured.
use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

use crate::db::{now_ms, Db};
use crate::secrets::SecretBox;

/// A token is valid this long (RFC 8292 allows at most 24 hours)…
const TOKEN_LIFETIME_MS: i64 = 12 * 3600 * 1000;
/// …and is signed again once less than this is left.
const RESIGN_BEFORE_MS: i64 = 6 * 3600 * 1000;

/// The signing key, its public half as browsers are given it, and the tokens signed so far.
pub struct Vapid {
    key: SigningKey,
    public: String,
    /// `mailto:` or `https:` contact push services may use (RFC 8292 `sub`).
    subject: String,
    /// Push service origin → (expiry, `Authorization` header value): one signature
    /// per push service every few hours rather than per message.
    tokens: Mutex<HashMap<String, (i64, String)>>,
}

#[derive(Debug, thiserror::Error)]
pub enum VapidError {
    #[error("the VAPID private key must be 32 bytes in base64url")]
    BadKey,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("the stored VAPID key cannot be opened with this secret key")]
    Sealed,
}

impl Vapid {
    /// From a base64url private scalar (32 bytes), as `CHARLA_VAPID_PRIVATE_KEY` holds it.
    pub fn from_private(text: &str, subject: &str) -> Result<Vapid, VapidError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| VapidError::BadKey)?;
        let key = SigningKey::from_slice(&bytes).map_err(|_| VapidError::BadKey)?;
        Ok(Vapid::with_key(key, subject))
    }

    pub fn generate(subject: &str) -> Vapid {
        loop {
            // A random 32-byte string is a valid scalar but for a 2^-32 chance.
            if let Ok(key) = SigningKey::from_slice(&rand::random::<[u8; 32]>()) {
                return Vapid::with_key(key, subject);
            }
        }
    }

    fn with_key(key: SigningKey, subject: &str) -> Vapid {
        let public =
            URL_SAFE_NO_PAD.encode(VerifyingKey::from(&key).to_encoded_point(false).as_bytes());
        Vapid {
            key,
            public,
            subject: subject.to_owned(),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    pub fn private_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.to_bytes())
    }

    /// The uncompressed public point, base64url: `applicationServerKey` in the browser.
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// `Authorization: vapid t=…, k=…` for a push service's origin (`https://host`).
    pub fn authorization(&self, origin: &str) -> String {
        let now = now_ms();
        let mut tokens = self.tokens.lock().expect("vapid tokens");
        if let Some((expires, header)) = tokens.get(origin) {
            if expires - now > RESIGN_BEFORE_MS {
                return header.clone();
            }
        }
        let expires = now + TOKEN_LIFETIME_MS;
        let header = format!(
            "vapid t={}, k={}",
            self.token(origin, expires / 1000),
            self.public
        );
        tokens.insert(origin.to_owned(), (expires, header.clone()));
        header
    }

    /// An ES256 JWT for `aud` expiring at `exp` (seconds).
    pub fn token(&self, aud: &str, exp: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({ "aud": aud, "exp": exp, "sub": self.subject });
        let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature: Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

/// The key every replica signs with: the configured one (stored, so the public half
/// the browsers are given matches), else the stored one, else a new one stored by the
/// first replica to start (the others read it back).
pub async fn load(
    db: &Db,
    secrets: &SecretBox,
    configured: Option<&str>,
    subject: &str,
) -> Result<Vapid, VapidError> {
    let mine = match configured {
        Some(text) => Vapid::from_private(text, subject)?,
        None => Vapid::generate(subject),
    };
    let _turn = db.write_turn().await;
    let insert = if configured.is_some() {
        "INSERT INTO vapid_keys (id, private_key, public_key, created_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET private_key = EXCLUDED.private_key, public_key = EXCLUDED.public_key"
    } else {
        "INSERT INTO vapid_keys (id, private_key, public_key, created_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO NOTHING"
    };
    sqlx::query(insert)
        .bind(secrets.seal(&mine.private_key()))
        .bind(mine.public_key())
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
    let sealed: String = sqlx::query_scalar("SELECT private_key FROM vapid_keys WHERE id = 1")
        .fetch_one(&db.pool)
        .await?;
    let stored = secrets.open(&sealed).ok_or(VapidError::Sealed)?;
    Vapid::from_private(&stored, subject)
}

/// The public key browsers subscribe with (`None` before the first start).
pub async fn public_key(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT public_key FROM vapid_keys WHERE id = 1")
        .fetch_optional(&db.pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn tokens_verify_with_the_public_key_and_are_reused() {
        let vapid = Vapid::generate("mailto:ops@example.org");
        let again = Vapid::from_private(&vapid.private_key(), "mailto:ops@example.org").unwrap();
        assert_eq!(again.public_key(), vapid.public_key());
        let header = vapid.authorization("https://push.example");
        assert_eq!(header, vapid.authorization("https://push.example"));
        assert_ne!(header, vapid.authorization("https://other.example"));
        let token = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split(", k=").next())
            .unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        let public = URL_SAFE_NO_PAD.decode(vapid.public_key()).unwrap();
        let verifier = VerifyingKey::from_sec1_bytes(&public).unwrap();
        assert!(verifier.verify(input.as_bytes(), &signature).is_ok());
        let claims = input.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://push.example");
        assert_eq!(claims["sub"], "mailto:ops@example.org");
        assert!(Vapid::from_private("not a key", "mailto:x@y").is_err());
    }
}
