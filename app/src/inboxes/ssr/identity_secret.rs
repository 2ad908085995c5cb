//! A web-chat or API inbox's identity secret: host sites (the widget) and integrations
//! (the Client API's `identifier_hash`) sign their users' identifiers with it. Sealed
//! with the inbox's secrets, created on first use, replaced on demand.
use crate::db::inbox_settings;
use crate::db::Db;
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::secrets::token::new_token;
use crate::secrets::SecretBox;

fn seal(secrets: &SecretBox, secret: &str) -> String {
    secrets.seal(&serde_json::json!({ "identity_secret": secret }).to_string())
}

/// The kinds of inbox whose customers may prove who they are.
pub fn verifies(channel: ChannelKind) -> bool {
    matches!(channel, ChannelKind::WebChat | ChannelKind::Api)
}

async fn stored(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
    channel: ChannelKind,
) -> Result<Option<String>, AppError> {
    let sealed = inbox_settings::sealed_of(db, inbox_id, channel)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(sealed
        .and_then(|s| secrets.open(&s))
        .and_then(|plain| serde_json::from_str::<serde_json::Value>(&plain).ok())
        .and_then(|v| v.get("identity_secret")?.as_str().map(str::to_owned)))
}

/// The inbox's identity secret, created on first use.
pub async fn get(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
    channel: ChannelKind,
) -> Result<String, AppError> {
    if let Some(secret) = stored(db, secrets, inbox_id, channel).await? {
        return Ok(secret);
    }
    // Two first uses at once agree: only the first write lands.
    inbox_settings::seal_first(db, inbox_id, channel, &seal(secrets, &new_token())).await?;
    stored(db, secrets, inbox_id, channel)
        .await?
        .ok_or(AppError::NotFound)
}

/// A new identity secret: hashes made with the old one stop working at once.
pub async fn regenerate(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
    channel: ChannelKind,
) -> Result<String, AppError> {
    let secret = new_token();
    if !inbox_settings::reseal(db, inbox_id, channel, &seal(secrets, &secret)).await? {
        return Err(AppError::NotFound);
    }
    Ok(secret)
}
