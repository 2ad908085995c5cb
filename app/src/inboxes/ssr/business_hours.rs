//! Business hours at rest (the inbox's `settings.business_hours`) and in time: which
//! local day and minute an instant is in the inbox's zone (`jiff` with the IANA
//! database built in, so every installation answers the same).
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::{inbox_settings, Db};
use crate::domain::business_hours::BusinessHours;
use crate::error::AppError;

const KEY: &str = "business_hours";

/// The hours kept in an inbox's settings (switched off when there are none).
pub fn from_settings(settings: Option<&serde_json::Value>) -> BusinessHours {
    settings
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// An inbox's hours, for an administrator of its account.
pub async fn load(db: &Db, admin: &AgentProfile, inbox_id: i64) -> Result<BusinessHours, AppError> {
    require_admin(admin)?;
    let mut conn = db.pool.acquire().await?;
    hours_of(&mut conn, Some(admin.account_id), inbox_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The hours of an inbox (of `account_id`, when given); `None` when there is no such inbox.
pub async fn hours_of(
    conn: &mut sqlx::AnyConnection,
    account_id: Option<i64>,
    inbox_id: i64,
) -> Result<Option<BusinessHours>, sqlx::Error> {
    let text: Option<String> = sqlx::query_scalar(
        "SELECT settings FROM inboxes WHERE id = $1 AND ($2 IS NULL OR account_id = $2)",
    )
    .bind(inbox_id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(text.map(|text| {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        from_settings(json.get(KEY))
    }))
}

/// Saves an inbox's hours; bad ones (an unknown zone too) are refused and nothing changes.
pub async fn save(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    hours: &BusinessHours,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let hours = hours
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    if jiff::tz::TimeZone::get(&hours.time_zone).is_err() {
        return Err(AppError::validation("time_zone", "unknown"));
    }
    let value = serde_json::to_value(&hours).map_err(|_| AppError::Internal)?;
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

/// Whether the team works at `at_ms` by these hours (an unknown zone counts as open:
/// an out-of-office reply is never sent on a guess).
pub fn open_at(hours: &BusinessHours, at_ms: i64) -> bool {
    if !hours.enabled {
        return true;
    }
    let Ok(zone) = jiff::tz::TimeZone::get(&hours.time_zone) else {
        return true;
    };
    let Ok(instant) = jiff::Timestamp::from_millisecond(at_ms) else {
        return true;
    };
    let local = instant.to_zoned(zone).datetime();
    let weekday = local.weekday().to_monday_zero_offset() as usize;
    let minute = local.hour() as u16 * 60 + local.minute() as u16;
    let date = local.date().to_string();
    hours.open_at(weekday, minute, &date)
}

#[cfg(test)]
mod tests {
    use super::open_at;
    use crate::domain::business_hours::BusinessHours;

    /// 2026-12-07 (a Monday) at `hh:mm` UTC, in milliseconds.
    fn monday_utc(hh: i64, mm: i64) -> i64 {
        let midnight = 1_796_601_600_000; // 2026-12-07T00:00:00Z
        midnight + (hh * 60 + mm) * 60_000
    }

    #[test]
    fn local_time_is_the_inbox_s_zone() {
        let hours = BusinessHours {
            enabled: true,
            ..Default::default()
        };
        // Madrid is UTC+1 in December: 08:30 UTC is 09:30 there.
        assert!(open_at(&hours, monday_utc(8, 30)));
        assert!(!open_at(&hours, monday_utc(7, 30)), "08:30 in Madrid");
        assert!(!open_at(&hours, monday_utc(17, 0)), "18:00 in Madrid");
        let mut unknown = hours.clone();
        unknown.time_zone = "Mars/Olympus".into();
        assert!(
            open_at(&unknown, monday_utc(3, 0)),
            "never closed on a guess"
        );
    }

    #[test]
    fn summer_time_moves_the_hours() {
        let hours = BusinessHours {
            enabled: true,
            ..Default::default()
        };
        // 2026-07-06, a Monday: Madrid is UTC+2, so 07:30 UTC is 09:30 there.
        let july = 1_783_296_000_000 + (7 * 60 + 30) * 60_000;
        assert!(open_at(&hours, july));
        assert!(!open_at(&hours, july - 60 * 60_000));
    }
}
