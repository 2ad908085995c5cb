//! Each agent's choices (kinds × ways) and the browsers she turned push on in.
use sqlx::Row;

use super::push::decode;
use crate::auth::model::Session;
use crate::channels::outbound::OutboundPolicy;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::notifications::model::{
    KindPrefs, NotificationKind, NotificationPrefs, PushSubscriptionInput, Ways,
};

/// Browsers one agent may have push on in; the oldest goes when a new one comes.
pub const MAX_SUBSCRIPTIONS: i64 = 20;

pub async fn get(
    db: &Db,
    agent_id: i64,
    email_available: bool,
) -> Result<NotificationPrefs, AppError> {
    let stored =
        sqlx::query("SELECT kind, push, email, sound FROM notification_prefs WHERE agent_id = $1")
            .bind(agent_id)
            .fetch_all(&db.pool)
            .await?;
    let mut prefs = NotificationPrefs {
        email_available,
        push_key: super::vapid::public_key(db).await?.unwrap_or_default(),
        endpoints: sqlx::query_scalar(
            "SELECT endpoint FROM push_subscriptions WHERE agent_id = $1 ORDER BY id",
        )
        .bind(agent_id)
        .fetch_all(&db.pool)
        .await?,
        kinds: Vec::new(),
    };
    for kind in NotificationKind::ALL {
        let row = stored
            .iter()
            .find(|r| r.try_get::<String, _>("kind").ok().as_deref() == Some(kind.as_str()));
        let ways = match row {
            Some(r) => Ways {
                push: r.try_get::<i64, _>("push")? != 0,
                email: r.try_get::<i64, _>("email")? != 0,
                sound: r.try_get::<i64, _>("sound")? != 0,
            },
            None => kind.default_ways(),
        };
        prefs.kinds.push(KindPrefs { kind, ways });
    }
    Ok(prefs)
}

pub async fn save(db: &Db, agent_id: i64, kinds: &[KindPrefs]) -> Result<(), AppError> {
    NotificationPrefs::check(kinds).map_err(|(field, code)| AppError::validation(field, code))?;
    let mut tx = db.begin_write().await?;
    for k in kinds {
        sqlx::query(
            "INSERT INTO notification_prefs (agent_id, kind, push, email, sound) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (agent_id, kind) DO UPDATE SET push = EXCLUDED.push, email = EXCLUDED.email, \
             sound = EXCLUDED.sound",
        )
        .bind(agent_id)
        .bind(k.kind.as_str())
        .bind(k.ways.push as i64)
        .bind(k.ways.email as i64)
        .bind(k.ways.sound as i64)
        .execute(tx.conn())
        .await?;
    }
    tx.finish().await?;
    Ok(())
}

/// Keeps a browser's subscription for this session. The same browser (endpoint) signed
/// in as someone else moves to her: one browser, one agent's pushes.
pub async fn subscribe(
    db: &Db,
    policy: &OutboundPolicy,
    session: &Session,
    input: &PushSubscriptionInput,
    user_agent: &str,
) -> Result<(), AppError> {
    input
        .check()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let point = decode(&input.p256dh)
        .filter(|b| web_push_native::p256::PublicKey::from_sec1_bytes(b).is_ok())
        .is_some();
    if !point {
        return Err(AppError::validation("p256dh", "invalid"));
    }
    if decode(&input.auth).is_none_or(|b| b.len() != 16) {
        return Err(AppError::validation("auth", "invalid"));
    }
    let endpoint = input.endpoint.trim();
    policy
        .push_endpoint(endpoint)
        .map_err(|code| AppError::validation("endpoint", code))?;
    let agent = &session.agent;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO push_subscriptions (account_id, agent_id, session_hash, endpoint, p256dh, auth, user_agent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (endpoint) DO UPDATE SET \
         account_id = EXCLUDED.account_id, agent_id = EXCLUDED.agent_id, session_hash = EXCLUDED.session_hash, \
         p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, user_agent = EXCLUDED.user_agent, failures = 0",
    )
    .bind(agent.account_id)
    .bind(agent.id)
    .bind(&session.token_hash)
    .bind(endpoint)
    .bind(input.p256dh.trim_end_matches('='))
    .bind(input.auth.trim_end_matches('='))
    .bind(user_agent.chars().take(300).collect::<String>())
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "DELETE FROM push_subscriptions WHERE agent_id = $1 AND id NOT IN \
         (SELECT id FROM push_subscriptions WHERE agent_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(agent.id)
    .bind(MAX_SUBSCRIPTIONS)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(())
}

/// Turns push off for one of her browsers.
pub async fn unsubscribe(db: &Db, agent_id: i64, endpoint: &str) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM push_subscriptions WHERE agent_id = $1 AND endpoint = $2")
        .bind(agent_id)
        .bind(endpoint.trim())
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(())
}
