//! The administrators' settings forms of every channel, over the one repository
//! (`db::inbox_settings`): the inbox must be of the administrator's account and of the
//! form's channel, else "not found". Each channel turns stored settings into its form
//! and back (`channels::*::inbox`); web chat's and the routing options are plain keys.
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::channels::outbound::OutboundPolicy;
use crate::channels::{email, whatsapp};
use crate::db::inbox_settings::{self, StoredInbox};
use crate::db::Db;
use crate::domain::email_inbox::{EmailSettings, EmailSettingsInput};
use crate::domain::web_chat::WebChatSettings;
use crate::domain::whatsapp::{WhatsAppSettings, WhatsAppSettingsInput};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::secrets::SecretBox;

/// An inbox of the administrator's account and of `channel`.
pub async fn admin_inbox(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    channel: ChannelKind,
) -> Result<StoredInbox, AppError> {
    require_admin(admin)?;
    inbox_settings::read(db, inbox_id, channel, Some(admin.account_id))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn web_chat_settings(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<WebChatSettings, AppError> {
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::WebChat).await?;
    Ok(WebChatSettings {
        colour: stored.text("colour", ""),
        greeting: stored.text("greeting", ""),
        allowed_origins: stored
            .settings
            .get("allowed_origins")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|o| o.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Saves a web-chat inbox's colour, greeting and allowed origins.
pub async fn save_web_chat(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    settings: &WebChatSettings,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let settings = settings
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let mut tx = db.begin_write().await?;
    let found = inbox_settings::update_in_tx(
        &mut tx,
        Some(admin.account_id),
        inbox_id,
        Some(ChannelKind::WebChat),
        |json| {
            json.insert("colour".into(), settings.colour.into());
            json.insert("greeting".into(), settings.greeting.into());
            json.insert("allowed_origins".into(), settings.allowed_origins.into());
        },
    )
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// Whether an inbox of the account reopens a resolved conversation when the customer
/// writes again (else a new one opens).
pub async fn reopens_resolved(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<bool, AppError> {
    require_admin(admin)?;
    inbox_settings::account_flag(db, admin.account_id, inbox_id, "reopen_resolved")
        .await?
        .ok_or(AppError::NotFound)
}

/// An inbox's automatic assignment: on or off, and the most open conversations of the
/// inbox one agent is given (0: no limit).
pub async fn assignment(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<(bool, i64), AppError> {
    require_admin(admin)?;
    let on = inbox_settings::account_flag(db, admin.account_id, inbox_id, "auto_assign")
        .await?
        .ok_or(AppError::NotFound)?;
    let limit = inbox_settings::account_number(db, admin.account_id, inbox_id, "auto_assign_limit")
        .await?
        .unwrap_or(0);
    Ok((on, limit.max(0)))
}

/// Turns automatic assignment on or off with its limit (0..=1000; a negative or
/// larger one is refused and nothing changes). Other keys are kept.
pub async fn set_assignment(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    enabled: bool,
    limit: i64,
) -> Result<(), AppError> {
    require_admin(admin)?;
    if !(0..=1000).contains(&limit) {
        return Err(AppError::validation("limit", "invalid"));
    }
    let mut tx = db.begin_write().await?;
    let found =
        inbox_settings::update_in_tx(&mut tx, Some(admin.account_id), inbox_id, None, |json| {
            json.insert("auto_assign".into(), enabled.into());
            json.insert("auto_assign_limit".into(), limit.into());
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// Sets whether the inbox reopens a resolved conversation. Other keys are kept.
pub async fn set_reopens_resolved(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    reopen: bool,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let found =
        inbox_settings::update_in_tx(&mut tx, Some(admin.account_id), inbox_id, None, |json| {
            json.insert("reopen_resolved".into(), reopen.into());
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

pub async fn whatsapp_settings(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<WhatsAppSettings, AppError> {
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::WhatsApp).await?;
    Ok(whatsapp::inbox::settings_view(&stored, secrets))
}

pub async fn save_whatsapp(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    inbox_id: i64,
    input: &WhatsAppSettingsInput,
) -> Result<(), AppError> {
    // The form first: a mistake is reported whichever inbox it was meant for.
    let input = whatsapp::inbox::checked(input, outbound)?;
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::WhatsApp).await?;
    let (settings, sealed) = whatsapp::inbox::apply(&stored, secrets, input);
    inbox_settings::write(db, inbox_id, &settings, Some(&sealed)).await?;
    Ok(())
}

pub async fn email_settings(
    db: &Db,
    secrets: &SecretBox,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<EmailSettings, AppError> {
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::Email).await?;
    Ok(email::inbox::settings_view(&stored, secrets))
}

pub async fn save_email(
    db: &Db,
    secrets: &SecretBox,
    outbound: &OutboundPolicy,
    admin: &AgentProfile,
    inbox_id: i64,
    input: &EmailSettingsInput,
) -> Result<(), AppError> {
    // The form first: a mistake is reported whichever inbox it was meant for.
    let input = email::inbox::checked(input, outbound)?;
    let stored = admin_inbox(db, admin, inbox_id, ChannelKind::Email).await?;
    let (settings, sealed) = email::inbox::apply(&stored, secrets, input);
    inbox_settings::write(db, inbox_id, &settings, Some(&sealed)).await?;
    Ok(())
}
