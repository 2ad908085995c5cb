//! A web-chat inbox's settings for when nobody answers (`settings.offline`): the reply
//! time the widget promises, asking for the visitor's email, and the email inbox that
//! mails her the replies she has not read.
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::Db;
use crate::domain::offline::OfflineSettings;
use crate::error::AppError;

const KEY: &str = "offline";

/// Its settings (the defaults when it has none); `None` when there is no such inbox
/// (of `account_id`, when given).
pub async fn offline_of(
    conn: &mut sqlx::AnyConnection,
    account_id: Option<i64>,
    inbox_id: i64,
) -> Result<Option<OfflineSettings>, sqlx::Error> {
    super::setting::part_of(conn, account_id, inbox_id, KEY).await
}

pub async fn load(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
) -> Result<OfflineSettings, AppError> {
    require_admin(admin)?;
    let mut conn = db.pool.acquire().await?;
    offline_of(&mut conn, Some(admin.account_id), inbox_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves them for a web-chat inbox; an email inbox that is not one of the account's
/// email inboxes is refused and nothing changes.
pub async fn save(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    settings: &OfflineSettings,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let kind: Option<String> =
        sqlx::query_scalar("SELECT channel_kind FROM inboxes WHERE id = $1 AND account_id = $2")
            .bind(inbox_id)
            .bind(admin.account_id)
            .fetch_optional(&db.pool)
            .await?;
    match kind.as_deref() {
        None => return Err(AppError::NotFound),
        Some("web_chat") => {}
        Some(_) => return Err(AppError::validation("inbox", "not_web_chat")),
    }
    if let Some(email_inbox) = settings.email_inbox_id {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM inboxes WHERE id = $1 AND account_id = $2 AND channel_kind = 'email'",
        )
        .bind(email_inbox)
        .bind(admin.account_id)
        .fetch_optional(&db.pool)
        .await?;
        if found.is_none() {
            return Err(AppError::validation("email_inbox_id", "invalid"));
        }
    }
    super::setting::save_part(db, admin.account_id, inbox_id, KEY, settings).await
}
