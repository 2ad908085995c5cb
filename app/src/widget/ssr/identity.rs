//! Who a website visitor is. Anonymous visitors are known by a random token (stored as
//! its SHA-256) and are each their own contact: what they type in the pre-chat form is
//! a claim, kept beside the contact and never used to join one. A host site that knows
//! its signed-in user vouches for her with `identifier_hash` = hex HMAC-SHA256 of the
//! identifier under the inbox's identity secret; only such a verified identity joins a
//! contact (by the email the host gives) and continues on any browser, each browser
//! holding its own token in `widget_sessions`.
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::inbox::WidgetInbox;
use crate::contacts::ssr::identifier;
use crate::contacts::ssr::store::{contact_for_customer, identity_in_tx, CustomerProfile};
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::contact::ValidContact;
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::secrets::token::{new_token, token_hash};
use crate::secrets::SecretBox;
use crate::widget::HostUser;

/// The longest identifier a host may pass (Chatwoot's own limit is similar).
pub use crate::domain::contact::IDENTIFIER_MAX_CHARS;

/// A verified identity's `external_id`: visitor tokens are 64 hex digits, so the
/// prefix keeps the two apart.
fn user_external_id(identifier: &str) -> String {
    format!("user:{identifier}")
}

/// `hex(HMAC-SHA256(secret, identifier))`, what the host site computes.
pub fn identifier_hash(secret: &str, identifier: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(identifier.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `hash` proves `identifier` under `secret` (constant-time).
pub fn verify(secret: &str, identifier: &str, hash: &str) -> bool {
    let Ok(given) = hex::decode(hash.trim()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(identifier.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// Who is asking, before anything is written.
pub enum Visitor {
    /// A token this inbox knows: (token, identity, contact).
    Known(String, i64, i64),
    /// A verified identity seen before, on a browser without a token for it yet.
    VerifiedKnown(i64, i64),
    /// A verified identity never seen: created with her first message.
    VerifiedNew(HostUser),
    /// A new anonymous visitor.
    Anonymous,
}

/// Resolves the visitor; `Err(Unauthorized)` when a host identity does not verify.
pub async fn resolve(
    db: &Db,
    secrets: &SecretBox,
    inbox: &WidgetInbox,
    token: Option<&str>,
    user: Option<&HostUser>,
) -> Result<Visitor, AppError> {
    let by_token = match token {
        Some(t) => by_token(db, inbox.id, t)
            .await?
            .map(|(i, c)| (t.to_owned(), i, c)),
        None => None,
    };
    // An unsigned user proves nothing: the visitor is whoever her token says.
    let Some(user) = user.filter(|u| u.signed()) else {
        return Ok(match by_token {
            Some((t, i, c)) => Visitor::Known(t, i, c),
            None => Visitor::Anonymous,
        });
    };
    let identifier = user.identifier.trim();
    if identifier.is_empty() || identifier.chars().count() > IDENTIFIER_MAX_CHARS {
        return Err(AppError::validation("identifier", "invalid"));
    }
    let secret =
        crate::inboxes::ssr::identity_secret::get(db, secrets, inbox.id, inbox.channel).await?;
    if !verify(&secret, identifier, &user.identifier_hash) {
        return Err(AppError::Unauthorized);
    }
    let known = by_external_id(db, inbox.id, &user_external_id(identifier)).await?;
    Ok(match (known, by_token) {
        // This browser already holds a token for this very identity.
        (Some((i, c)), Some((t, ti, _))) if ti == i => Visitor::Known(t, i, c),
        (Some((i, c)), _) => Visitor::VerifiedKnown(i, c),
        (None, _) => Visitor::VerifiedNew(HostUser {
            identifier: identifier.to_owned(),
            ..user.clone()
        }),
    })
}

/// (identity, contact) of a visitor token: an anonymous visitor's own identity, or a
/// browser's session of a verified one.
pub async fn by_token(db: &Db, inbox_id: i64, token: &str) -> Result<Option<(i64, i64)>, AppError> {
    let hash = token_hash(token);
    Ok(sqlx::query_as(
        "SELECT id, contact_id FROM contact_identities WHERE inbox_id = $1 AND kind = 'visitor' AND external_id = $2 \
         UNION ALL \
         SELECT i.id, i.contact_id FROM widget_sessions s JOIN contact_identities i ON i.id = s.identity_id \
         WHERE s.token_hash = $3 AND i.inbox_id = $4",
    )
    .bind(inbox_id)
    .bind(&hash)
    .bind(&hash)
    .bind(inbox_id)
    .fetch_optional(&db.pool)
    .await?)
}

async fn by_external_id(
    db: &Db,
    inbox_id: i64,
    external_id: &str,
) -> Result<Option<(i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, contact_id FROM contact_identities WHERE inbox_id = $1 AND kind = 'visitor' AND external_id = $2",
    )
    .bind(inbox_id)
    .bind(external_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A new token for a verified identity on this browser.
pub async fn new_session_in_tx(tx: &mut WriteTx, identity_id: i64) -> Result<String, AppError> {
    let token = new_token();
    session_in_tx(tx, identity_id, &token).await?;
    Ok(token)
}

/// `token` (one a Client API caller chose) names this verified identity from now on.
pub async fn session_in_tx(
    tx: &mut WriteTx,
    identity_id: i64,
    token: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO widget_sessions (token_hash, identity_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash(token))
    .bind(identity_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await
    .map_err(|err| match err.as_database_error() {
        // A chosen identifier some other inbox's customer already holds.
        Some(db) if db.is_unique_violation() => AppError::Conflict {
            field: "source_id".to_owned(),
        },
        _ => AppError::from(err),
    })?;
    Ok(())
}

/// The pre-chat form's answers: unverified claims.
pub struct Claim {
    pub name: Option<String>,
    pub email: Option<EmailAddress>,
}

/// An anonymous visitor's contact takes what the host page says of her (an unsigned
/// `setUser`), when it changed. A verified identity's contact is changed only by what
/// the host signs.
pub async fn host_says_in_tx(
    tx: &mut WriteTx,
    inbox: &WidgetInbox,
    identity_id: i64,
    contact_id: i64,
    said: &Claim,
) -> Result<(), AppError> {
    if said.name.is_none() && said.email.is_none() {
        return Ok(());
    }
    let external: String =
        sqlx::query_scalar("SELECT external_id FROM contact_identities WHERE id = $1")
            .bind(identity_id)
            .fetch_one(tx.conn())
            .await?;
    if external.starts_with("user:") {
        return Ok(());
    }
    crate::contacts::ssr::claims::claim_in_tx(
        tx,
        inbox.account_id,
        contact_id,
        said.name.as_deref(),
        said.email.as_ref(),
    )
    .await
}

/// A new anonymous visitor: her own contact (the claims beside it) and token (a new
/// one, or the one a Client API caller chose). Returns (token, identity, contact).
pub async fn new_anonymous_in_tx(
    tx: &mut WriteTx,
    inbox: &WidgetInbox,
    claim: &Claim,
    chosen: Option<String>,
) -> Result<(String, i64, i64), AppError> {
    let contact = ValidContact {
        name: claim.name.clone().unwrap_or_default(),
        email: None,
        phone: None,
        company: None,
    };
    let contact_id =
        crate::contacts::ssr::store::insert_in_tx(tx, inbox.account_id, &contact, now_ms()).await?;
    crate::contacts::ssr::store::contact_changed_in_tx(tx, inbox.account_id, contact_id, true)
        .await?;
    if let Some(email) = &claim.email {
        sqlx::query("UPDATE contacts SET claimed_email = $1 WHERE id = $2")
            .bind(email.as_str())
            .bind(contact_id)
            .execute(tx.conn())
            .await?;
    }
    let token = chosen.unwrap_or_else(new_token);
    let identity = identity_in_tx(tx, contact_id, inbox.id, "visitor", &token_hash(&token)).await?;
    Ok((token, identity, contact_id))
}

/// A verified identity's first message: she joins the contact with her identifier or
/// the email the host vouched for (or a new one). Returns (token, identity, contact).
pub async fn new_verified_in_tx(
    tx: &mut WriteTx,
    inbox: &WidgetInbox,
    user: &HostUser,
    claim: &Claim,
) -> Result<(String, i64, i64), AppError> {
    let email = match user
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => {
            Some(EmailAddress::parse(e).map_err(|err| AppError::validation("email", err.code()))?)
        }
        None => None,
    };
    let name = user
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(120).collect())
        .or_else(|| claim.name.clone());
    let profile = CustomerProfile {
        name,
        email,
        phone: None,
    };
    // Her identifier names one contact account-wide (as in Chatwoot): the one an API
    // client or another of the account's sites already gave it, else the contact with
    // her email, else a new one, which takes it.
    let held = identifier::contact_with(tx.conn(), inbox.account_id, &user.identifier).await?;
    let contact_id = match held {
        Some(contact) => contact,
        None => contact_for_customer(tx, inbox.account_id, &profile).await?,
    };
    identifier::adopt_in_tx(tx, inbox.account_id, contact_id, &user.identifier).await?;
    let identity = identity_in_tx(
        tx,
        contact_id,
        inbox.id,
        "visitor",
        &user_external_id(&user.identifier),
    )
    .await?;
    let token = new_session_in_tx(tx, identity).await?;
    Ok((token, identity, contact_id))
}

/// Who sends: the widget's and the visitor's tokens, the host's user, the address.
pub struct Sender<'a> {
    pub token: &'a str,
    pub visitor: Option<&'a str>,
    pub user: Option<&'a HostUser>,
    /// The client's address, for the rate limits (`None` when unknown).
    pub address: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_under_their_secret() {
        let hash = identifier_hash("s3cret", "cliente-42");
        // The value any host computes: `hmac.new(b"s3cret", b"cliente-42", sha256).hexdigest()`.
        assert_eq!(hash.len(), 64);
        assert!(verify("s3cret", "cliente-42", &hash));
        assert!(verify("s3cret", "cliente-42", &hash.to_uppercase()));
        assert!(!verify("otro", "cliente-42", &hash));
        assert!(!verify("s3cret", "cliente-43", &hash));
        assert!(!verify("s3cret", "cliente-42", "zz"));
        assert!(!verify("s3cret", "cliente-42", ""));
        // RFC 4231-style known answer (the value every HMAC library gives).
        assert_eq!(
            identifier_hash("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
