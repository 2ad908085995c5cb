//! An inbox's satisfaction survey settings at rest (`settings.csat`).
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::{inbox_settings, Db};
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
    let text: Option<String> = sqlx::query_scalar(
        "SELECT settings FROM inboxes WHERE id = $1 AND ($2 IS NULL OR account_id = $2)",
    )
    .bind(inbox_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(text.map(|text| {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        json.get(KEY)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }))
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
    let value = serde_json::to_value(&settings).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    let found =
        inbox_settings::update_in_tx(&mut tx, Some(admin.account_id), inbox_id, None, |json| {
            json.insert(KEY.into(), value);
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}
