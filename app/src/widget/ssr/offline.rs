//! When nobody answers: what the widget tells the visitor (the team online, away or
//! outside its hours, and when it usually replies), and the email she leaves so an
//! agent's reply can reach her after she has gone.
use super::identity::{self, Sender, Visitor};
use super::inbox::{inbox_by_token, WidgetInbox};
use super::limits::WidgetGuard;
use crate::db::Db;
use crate::domain::offline::{OfflineSettings, TeamPresence};
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::inboxes::ssr::business_hours;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;

/// What the widget shows about the team.
pub struct OfflineState {
    pub presence: TeamPresence,
    pub settings: OfflineSettings,
    pub ask_email: bool,
}

pub fn settings_of(inbox: &WidgetInbox) -> OfflineSettings {
    inbox
        .settings
        .as_object()
        .map(|settings| crate::db::inbox_settings::part(settings, "offline"))
        .unwrap_or_default()
}

/// Online when a member of the inbox who is still active says "En línea"; outside
/// the inbox's hours it is closed whoever is online.
pub async fn presence_of(db: &Db, inbox: &WidgetInbox) -> Result<TeamPresence, AppError> {
    let hours = business_hours::from_settings(inbox.settings.get("business_hours"));
    let open = business_hours::open_at(&hours, crate::db::now_ms());
    let online: Option<i64> = sqlx::query_scalar(
        "SELECT m.agent_id FROM inbox_members m JOIN agents a ON a.id = m.agent_id \
         WHERE m.inbox_id = $1 AND a.active = 1 AND a.availability = 'online' LIMIT 1",
    )
    .bind(inbox.id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(TeamPresence::of(open, online.is_some()))
}

/// Whether the contact has an email an answer could go to (hers, or one she gave).
pub async fn email_known(db: &Db, contact_id: i64) -> Result<bool, AppError> {
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE id = $1 AND COALESCE(email, claimed_email) IS NOT NULL",
    )
    .bind(contact_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(known.is_some())
}

pub async fn state_of(
    db: &Db,
    inbox: &WidgetInbox,
    contact_id: Option<i64>,
) -> Result<OfflineState, AppError> {
    let settings = settings_of(inbox);
    let presence = presence_of(db, inbox).await?;
    let known = match contact_id {
        Some(contact) => email_known(db, contact).await?,
        None => false,
    };
    Ok(OfflineState {
        presence,
        settings,
        ask_email: presence.asks_email(&settings, known),
    })
}

/// A known visitor leaves her email: kept as her claim (never joining her to another
/// contact); a bad address is refused and nothing changes.
pub async fn leave_email(
    db: &Db,
    secrets: &SecretBox,
    hub: &Hub,
    guard: &WidgetGuard,
    sender: Sender<'_>,
    email: &str,
) -> Result<(), AppError> {
    let inbox = inbox_by_token(db, sender.token).await?;
    guard.message(inbox.id, sender.address)?;
    let email = EmailAddress::parse(email.trim())
        .map_err(|err| AppError::validation("email", err.code()))?;
    let contact = match identity::resolve(db, secrets, &inbox, sender.visitor, sender.user).await? {
        Visitor::Known(_, _, contact) | Visitor::VerifiedKnown(_, contact) => contact,
        Visitor::VerifiedNew(_) | Visitor::Anonymous => return Err(AppError::NotFound),
    };
    let mut tx = db.begin_write().await?;
    crate::contacts::ssr::claims::claim_in_tx(
        &mut tx,
        inbox.account_id,
        contact,
        None,
        Some(&email),
    )
    .await?;
    hub.commit(tx).await?;
    Ok(())
}
