//! Business hours at rest (the inbox's `settings.business_hours`) and in time: which
//! local day and minute an instant is in the inbox's zone (`jiff` with the IANA
//! database built in, so every installation answers the same).
use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::Db;
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
    super::setting::part_of(conn, account_id, inbox_id, KEY).await
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
    super::setting::save_part(db, admin.account_id, inbox_id, KEY, &hours).await
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

/// The longest stretch [`business_seconds`] walks day by day; a longer wait is counted
/// whole (no answer takes that long, and a report must not).
const MAX_WALK_DAYS: i64 = 400;

/// How many seconds of `start_ms..end_ms` fall inside these hours (all of them when
/// the hours are off or their zone unknown): a reply time as the team's clock runs.
pub fn business_seconds(hours: &BusinessHours, start_ms: i64, end_ms: i64) -> i64 {
    let whole = (end_ms - start_ms).max(0) / 1000;
    let Some(zone) = hours
        .enabled
        .then(|| jiff::tz::TimeZone::get(&hours.time_zone).ok())
        .flatten()
    else {
        return whole;
    };
    let (Ok(start), Ok(end)) = (
        jiff::Timestamp::from_millisecond(start_ms),
        jiff::Timestamp::from_millisecond(end_ms),
    ) else {
        return whole;
    };
    if end <= start {
        return 0;
    }
    let mut day = start.to_zoned(zone.clone()).date();
    let last = end.to_zoned(zone.clone()).date();
    let mut open_ms = 0_i64;
    for _ in 0..MAX_WALK_DAYS {
        let weekday = day.weekday().to_monday_zero_offset() as usize;
        let holiday = hours.holidays.iter().any(|h| *h == day.to_string());
        if let (false, Some(Some(span))) = (holiday, hours.days.get(weekday)) {
            // Local clock times (as `open_at` reads them), so a day when the clocks
            // change keeps its 09:00; closing at 24:00 is the next day's midnight.
            let at = |minutes: u16| -> Option<i64> {
                let (date, minutes) = match minutes {
                    m if m >= 24 * 60 => (day.tomorrow().ok()?, 0),
                    m => (day, m),
                };
                let (h, m) = ((minutes / 60) as i8, (minutes % 60) as i8);
                let moment = date.at(h, m, 0, 0).to_zoned(zone.clone()).ok()?;
                Some(moment.timestamp().as_millisecond())
            };
            if let (Some(open), Some(close)) = (at(span.open), at(span.close)) {
                open_ms += (close.min(end_ms) - open.max(start_ms)).max(0);
            }
        }
        if day >= last {
            return open_ms / 1000;
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return whole,
        }
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::{business_seconds, open_at};
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

    #[test]
    fn business_seconds_count_only_open_hours() {
        let hours = BusinessHours {
            enabled: true,
            ..Default::default()
        };
        // Monday 07:00 UTC (08:00 Madrid) to 09:00 UTC (10:00): open from 08:00 UTC.
        assert_eq!(
            business_seconds(&hours, monday_utc(7, 0), monday_utc(9, 0)),
            3600
        );
        // Monday 16:00 UTC (17:00) to Tuesday 09:00 UTC (10:00): 1 h + 1 h.
        let tuesday_nine = monday_utc(9, 0) + 86_400_000;
        assert_eq!(
            business_seconds(&hours, monday_utc(16, 0), tuesday_nine),
            7200
        );
        // Friday 17:00 UTC (18:00, closing) to Monday 08:30 UTC (09:30): 30 min.
        let friday_five = monday_utc(17, 0) - 3 * 86_400_000;
        assert_eq!(
            business_seconds(&hours, friday_five, monday_utc(8, 30)),
            1800
        );
        let mut holiday = hours.clone();
        holiday.holidays = vec!["2026-12-07".into()];
        assert_eq!(
            business_seconds(&holiday, monday_utc(7, 0), monday_utc(9, 0)),
            0
        );
        // 2026-10-25, the Sunday Madrid's clocks go back at 03:00: its 09:00 is 08:00
        // UTC (counting 9 hours from midnight would give 07:00 UTC).
        let mut every_day = hours.clone();
        every_day.days = vec![every_day.days[0]; 7];
        let sunday = 1_792_886_400_000; // 2026-10-25T00:00:00Z
        let at = |hh: i64| sunday + hh * 3_600_000;
        assert_eq!(business_seconds(&every_day, at(7), at(9)), 3600);
        let off = BusinessHours::default();
        assert_eq!(
            business_seconds(&off, monday_utc(7, 0), monday_utc(9, 0)),
            7200
        );
    }
}
