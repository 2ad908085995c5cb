//! A WhatsApp inbox's configuration: non-secret settings in `inboxes.settings`, the
//! access token, app secret and verify token sealed together in `inboxes.secrets`.
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::channels::outbound::OutboundPolicy;
use crate::db::{now_ms, Db};
use crate::domain::whatsapp::{
    WhatsAppSettings, WhatsAppSettingsInput, DEFAULT_API_BASE, DEFAULT_API_VERSION,
};
use crate::error::AppError;
use crate::secrets::SecretBox;

/// Everything needed to talk to the Graph API for one inbox.
#[derive(Clone)]
pub struct WhatsAppInbox {
    pub id: i64,
    pub account_id: i64,
    pub phone_number_id: String,
    pub business_account_id: String,
    pub api_base_url: String,
    pub api_version: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
}

impl std::fmt::Debug for WhatsAppInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhatsAppInbox")
            .field("id", &self.id)
            .field("phone_number_id", &self.phone_number_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Secrets {
    #[serde(default)]
    access_token: String,
    #[serde(default)]
    app_secret: String,
    #[serde(default)]
    verify_token: String,
}

fn text(json: &serde_json::Value, key: &str, default: &str) -> String {
    json.get(key)
        .and_then(|v| v.as_str())
        .filter(|v| !v.is_empty())
        .unwrap_or(default)
        .to_owned()
}

fn open_secrets(secrets: &SecretBox, sealed: Option<&str>) -> Secrets {
    sealed
        .and_then(|s| secrets.open(s))
        .and_then(|plain| serde_json::from_str(&plain).ok())
        .unwrap_or_default()
}

/// The inbox's configuration; `None` when it is not a WhatsApp inbox.
pub async fn load(
    db: &Db,
    secrets: &SecretBox,
    inbox_id: i64,
) -> Result<Option<WhatsAppInbox>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, account_id, settings, secrets FROM inboxes WHERE id = $1 AND channel_kind = 'whatsapp'",
    )
    .bind(inbox_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let settings: String = row.try_get("settings")?;
    let json: serde_json::Value = serde_json::from_str(&settings).unwrap_or_default();
    let sealed: Option<String> = row.try_get("secrets")?;
    let secret = open_secrets(secrets, sealed.as_deref());
    Ok(Some(WhatsAppInbox {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        phone_number_id: text(&json, "phone_number_id", ""),
        business_account_id: text(&json, "business_account_id", ""),
        api_base_url: text(&json, "api_base_url", DEFAULT_API_BASE),
        api_version: text(&json, "api_version", DEFAULT_API_VERSION),
        access_token: secret.access_token,
        app_secret: secret.app_secret,
        verify_token: secret.verify_token,
    }))
}

impl WhatsAppInbox {
    /// Enough to send: a number and a token.
    pub fn can_send(&self) -> bool {
        !self.phone_number_id.is_empty() && !self.access_token.is_empty()
    }
}

/// Every WhatsApp inbox ready to sync templates (for the periodic sync).
pub async fn all_ids(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'whatsapp' ORDER BY id")
        .fetch_all(&db.pool)
        .await
}

async fn admin_inbox(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<(String, Option<String>), AppError> {
    crate::agents::ssr::manage::require_admin(admin)?;
    let row = sqlx::query(
        "SELECT settings, secrets FROM inboxes WHERE id = $1 AND account_id = $2 AND channel_kind = 'whatsapp'",
    )
    .bind(inbox_id)
    .bind(admin.account_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.try_get("settings")?, row.try_get("secrets")?))
}

/// The settings form's view: secrets only as "set" or "not set".
pub async fn settings_view(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<WhatsAppSettings, AppError> {
    let (settings, sealed) = admin_inbox(db, admin, inbox_id).await?;
    let json: serde_json::Value = serde_json::from_str(&settings).unwrap_or_default();
    let secret = open_secrets(secrets, sealed.as_deref());
    Ok(WhatsAppSettings {
        phone_number_id: text(&json, "phone_number_id", ""),
        business_account_id: text(&json, "business_account_id", ""),
        api_base_url: text(&json, "api_base_url", DEFAULT_API_BASE),
        api_version: text(&json, "api_version", DEFAULT_API_VERSION),
        has_access_token: !secret.access_token.is_empty(),
        has_app_secret: !secret.app_secret.is_empty(),
        has_verify_token: !secret.verify_token.is_empty(),
        webhook_path: format!("/webhooks/whatsapp/{inbox_id}"),
        templates_synced_at: json.get("templates_synced_at").and_then(|v| v.as_i64()),
    })
}

/// Saves the form; an empty secret keeps the one stored. The base URL must be one the
/// server sends tokens to (Meta's host over https unless `outbound` names another).
pub async fn save(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    inbox_id: i64,
    input: &WhatsAppSettingsInput,
) -> Result<(), AppError> {
    let input = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    outbound
        .graph_url(&input.api_base_url)
        .map_err(|code| AppError::validation("api_base_url", code))?;
    let (settings, sealed) = admin_inbox(db, admin, inbox_id).await?;
    let mut json: serde_json::Value =
        serde_json::from_str(&settings).unwrap_or_else(|_| serde_json::json!({}));
    if !json.is_object() {
        json = serde_json::json!({});
    }
    // The access token goes to whatever base URL is set: pointed somewhere else, the
    // stored one is forgotten, and only a token typed with the new address is kept.
    let moved = json["api_base_url"].as_str().unwrap_or_default() != input.api_base_url;
    json["phone_number_id"] = input.phone_number_id.into();
    json["business_account_id"] = input.business_account_id.into();
    json["api_base_url"] = input.api_base_url.into();
    json["api_version"] = input.api_version.into();
    let mut secret = open_secrets(secrets, sealed.as_deref());
    if moved {
        secret.access_token.clear();
    }
    for (new, slot) in [
        (input.access_token, &mut secret.access_token),
        (input.app_secret, &mut secret.app_secret),
        (input.verify_token, &mut secret.verify_token),
    ] {
        if !new.is_empty() {
            *slot = new;
        }
    }
    let sealed = secrets.seal(&serde_json::to_string(&secret).unwrap_or_default());
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE inboxes SET settings = $1, secrets = $2, updated_at = $3 WHERE id = $4")
        .bind(json.to_string())
        .bind(sealed)
        .bind(now_ms())
        .bind(inbox_id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(())
}

/// Records when templates were last synced (shown in the settings).
pub async fn mark_synced(db: &Db, inbox_id: i64, at: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let settings: String = sqlx::query_scalar("SELECT settings FROM inboxes WHERE id = $1")
        .bind(inbox_id)
        .fetch_one(tx.conn())
        .await?;
    let mut json: serde_json::Value =
        serde_json::from_str(&settings).unwrap_or_else(|_| serde_json::json!({}));
    if !json.is_object() {
        json = serde_json::json!({});
    }
    json["templates_synced_at"] = at.into();
    sqlx::query("UPDATE inboxes SET settings = $1 WHERE id = $2")
        .bind(json.to_string())
        .bind(inbox_id)
        .execute(tx.conn())
        .await?;
    tx.finish().await
}
