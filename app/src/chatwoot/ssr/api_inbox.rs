//! An API inbox's settings (administrators): its Client API identifier, kept in the
//! `web_token` column beside web chats' widget tokens, and the URL its events go to,
//! kept as a webhook of its own (every event of the inbox, through the same queue).
use crate::agents::model::AgentProfile;
use crate::channels::outbound::OutboundPolicy;
use crate::chatwoot::ssr::webhooks::store::{inbox_hook_secret, set_inbox_hook_in_tx};
use crate::db::inbox_settings;
use crate::db::Db;
use crate::domain::api_inbox::ApiInboxSettings;
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::inboxes::ssr::forms::admin_inbox;
use crate::secrets::SecretBox;

pub async fn settings(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<ApiInboxSettings, AppError> {
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::Api).await?;
    let identifier: Option<String> =
        sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
            .bind(stored.id)
            .fetch_one(&db.pool)
            .await?;
    Ok(ApiInboxSettings {
        identifier: identifier.unwrap_or_default(),
        webhook_url: stored.text("webhook_url", ""),
        secret: inbox_hook_secret(db, secrets, inbox_id).await?,
        hmac_mandatory: stored
            .settings
            .get("hmac_mandatory")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    })
}

/// Saves the webhook URL (empty: the integration reads replies through the Client
/// API). The identifier never changes: integrations keep it.
pub async fn save(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    inbox_id: i64,
    input: &ApiInboxSettings,
) -> Result<ApiInboxSettings, AppError> {
    admin_inbox(db, admin, inbox_id, ChannelKind::Api).await?;
    let url = input
        .checked_url()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    if !url.is_empty() {
        outbound
            .webhook_url(&url)
            .map_err(|code| AppError::validation("webhook_url", code))?;
    }
    let mut tx = db.begin_write().await?;
    let found = inbox_settings::update_in_tx(
        &mut tx,
        Some(admin.account_id),
        inbox_id,
        Some(ChannelKind::Api),
        |json| {
            json.insert("webhook_url".into(), url.clone().into());
            json.insert("hmac_mandatory".into(), input.hmac_mandatory.into());
        },
    )
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    set_inbox_hook_in_tx(tx.conn(), secrets, admin.account_id, inbox_id, &url).await?;
    tx.finish().await?;
    settings(db, secrets, admin, inbox_id).await
}

/// `POST /inboxes` of the Application API: an API inbox named `name`, with its
/// webhook URL if given (administrators; other channels are set up in Ajustes).
pub async fn create(
    caller: &crate::chatwoot::ssr::Caller<'_>,
    body: &crate::chatwoot::model::NewInboxBody,
) -> Result<crate::chatwoot::model::Inbox, AppError> {
    crate::auth::permission::require_admin(caller.agent)?;
    let channel = body.channel.clone().unwrap_or_default();
    if channel.kind.as_deref() != Some("api") {
        return Err(AppError::validation("channel", "unsupported"));
    }
    let input = ApiInboxSettings {
        webhook_url: channel.webhook_url.unwrap_or_default(),
        hmac_mandatory: channel.hmac_mandatory.unwrap_or(false),
        ..ApiInboxSettings::default()
    };
    // Both checks before anything is made: a bad URL leaves no inbox behind.
    let url = input
        .checked_url()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let outbound = &caller.state.settings.outbound;
    if !url.is_empty() {
        outbound
            .webhook_url(&url)
            .map_err(|code| AppError::validation("webhook_url", code))?;
    }
    let db = caller.db();
    let id = crate::inboxes::ssr::manage::create_inbox(
        db,
        caller.agent,
        body.name.as_deref().unwrap_or_default(),
        ChannelKind::Api,
    )
    .await?;
    if !url.is_empty() || input.hmac_mandatory {
        save(
            db,
            &caller.state.settings.secrets,
            outbound,
            caller.agent,
            id,
            &input,
        )
        .await?;
    }
    let view = crate::inboxes::ssr::manage::mine(db, caller.agent)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    crate::chatwoot::ssr::account::inbox_shape(caller, &view).await
}

/// `PATCH /inboxes/{id}` of the Application API: a new name (any inbox) and, for an API
/// inbox, its webhook URL (administrators).
pub async fn update(
    caller: &crate::chatwoot::ssr::Caller<'_>,
    id: i64,
    body: &crate::chatwoot::model::NewInboxBody,
) -> Result<crate::chatwoot::model::Inbox, AppError> {
    crate::auth::permission::require_admin(caller.agent)?;
    let db = caller.db();
    let view = crate::inboxes::ssr::manage::mine(db, caller.agent)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    let channel = body.channel.clone().unwrap_or_default();
    let url = match (channel.webhook_url, channel.hmac_mandatory) {
        (None, None) => None,
        _ if view.channel != ChannelKind::Api => {
            return Err(AppError::validation("channel", "unsupported"))
        }
        (url, mandatory) => {
            // What is not sent stays as it is.
            let secrets = &caller.state.settings.secrets;
            let current = settings(db, secrets, caller.agent, id).await?;
            let input = ApiInboxSettings {
                webhook_url: url.unwrap_or(current.webhook_url),
                hmac_mandatory: mandatory.unwrap_or(current.hmac_mandatory),
                ..ApiInboxSettings::default()
            };
            // Checked before anything changes.
            input
                .checked_url()
                .map_err(|(field, code)| AppError::validation(field, code))?;
            Some(input)
        }
    };
    if let Some(name) = body.name.as_deref() {
        crate::inboxes::ssr::manage::rename_inbox(db, caller.agent, id, name).await?;
    }
    if let Some(input) = url {
        let settings = &caller.state.settings;
        save(
            db,
            &settings.secrets,
            &settings.outbound,
            caller.agent,
            id,
            &input,
        )
        .await?;
    }
    let view = crate::inboxes::ssr::manage::mine(db, caller.agent)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    crate::chatwoot::ssr::account::inbox_shape(caller, &view).await
}
