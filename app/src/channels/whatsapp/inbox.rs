//! A WhatsApp inbox's configuration: non-secret settings in `inboxes.settings`, the
//! access token, app secret and verify token sealed together in `inboxes.secrets`.
use crate::channels::outbound::OutboundPolicy;
use crate::db::inbox_settings::{self, Settings, StoredInbox};
use crate::db::Db;
use crate::domain::whatsapp::{
    WhatsAppSettings, WhatsAppSettingsInput, DEFAULT_API_BASE, DEFAULT_API_VERSION,
};
use crate::domain::ChannelKind;
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
    let Some(stored) = inbox_settings::read(db, inbox_id, ChannelKind::WhatsApp, None).await?
    else {
        return Ok(None);
    };
    let secret = open_secrets(secrets, stored.sealed.as_deref());
    Ok(Some(WhatsAppInbox {
        id: stored.id,
        account_id: stored.account_id,
        phone_number_id: stored.text("phone_number_id", ""),
        business_account_id: stored.text("business_account_id", ""),
        api_base_url: stored.text("api_base_url", DEFAULT_API_BASE),
        api_version: stored.text("api_version", DEFAULT_API_VERSION),
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
    inbox_settings::ids_of(db, ChannelKind::WhatsApp).await
}

/// The settings form's view: secrets only as "set" or "not set".
pub fn settings_view(stored: &StoredInbox, secrets: &SecretBox) -> WhatsAppSettings {
    let secret = open_secrets(secrets, stored.sealed.as_deref());
    WhatsAppSettings {
        phone_number_id: stored.text("phone_number_id", ""),
        business_account_id: stored.text("business_account_id", ""),
        api_base_url: stored.text("api_base_url", DEFAULT_API_BASE),
        api_version: stored.text("api_version", DEFAULT_API_VERSION),
        has_access_token: !secret.access_token.is_empty(),
        has_app_secret: !secret.app_secret.is_empty(),
        has_verify_token: !secret.verify_token.is_empty(),
        webhook_path: format!("/webhooks/whatsapp/{}", stored.id),
        templates_synced_at: stored
            .settings
            .get("templates_synced_at")
            .and_then(|v| v.as_i64()),
    }
}

/// The form, checked: the base URL must be one the server sends tokens to (Meta's
/// host over https unless `outbound` names another).
pub fn checked(
    input: &WhatsAppSettingsInput,
    outbound: &OutboundPolicy,
) -> Result<WhatsAppSettingsInput, AppError> {
    let input = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    outbound
        .graph_url(&input.api_base_url)
        .map_err(|code| AppError::validation("api_base_url", code))?;
    Ok(input)
}

/// A checked form applied to what is stored: the new settings and sealed secrets. An
/// empty secret keeps the one stored.
pub fn apply(
    stored: &StoredInbox,
    secrets: &SecretBox,
    input: WhatsAppSettingsInput,
) -> (Settings, String) {
    let mut json = stored.settings.clone();
    // The access token goes to whatever base URL is set: pointed somewhere else, the
    // stored one is forgotten, and only a token typed with the new address is kept.
    let moved = json
        .get("api_base_url")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        != input.api_base_url;
    json.insert("phone_number_id".into(), input.phone_number_id.into());
    json.insert(
        "business_account_id".into(),
        input.business_account_id.into(),
    );
    json.insert("api_base_url".into(), input.api_base_url.into());
    json.insert("api_version".into(), input.api_version.into());
    let mut secret = open_secrets(secrets, stored.sealed.as_deref());
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
    (json, sealed)
}

/// Records when templates were last synced (shown in the settings).
pub async fn mark_synced(db: &Db, inbox_id: i64, at: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    inbox_settings::update_in_tx(&mut tx, None, inbox_id, None, |json| {
        json.insert("templates_synced_at".into(), at.into());
    })
    .await?;
    tx.finish().await
}
