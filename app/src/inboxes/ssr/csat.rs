//! An inbox's satisfaction survey settings at rest (`settings.csat`).
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::Db;
use crate::domain::csat::CsatSettings;
use crate::error::AppError;

const KEY: &str = "csat";

/// The survey settings of an inbox (switched off when there are none); `None` when
/// there is no such inbox (of `account_id`, when given).
pub async fn csat_of(
    conn: &mut sqlx::AnyConnection,
    account_id: Option<i64>,
    inbox_id: i64,
) -> Result<Option<CsatSettings>, sqlx::Error> {
    super::setting::part_of(conn, account_id, inbox_id, KEY).await
}

pub async fn load(db: &Db, admin: &AgentProfile, inbox_id: i64) -> Result<CsatSettings, AppError> {
    require_admin(admin)?;
    let mut conn = db.pool.acquire().await?;
    csat_of(&mut conn, Some(admin.account_id), inbox_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Saves them; a question too long is refused and nothing changes.
pub async fn save(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    settings: &CsatSettings,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let settings = settings
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    super::setting::save_part(db, admin.account_id, inbox_id, KEY, &settings).await
}
