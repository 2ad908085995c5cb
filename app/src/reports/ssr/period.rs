//! A report's period in the account's time zone: its local dates and the instants
//! they begin and end at; and which local day, weekday and hour an instant is.
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::error::AppError;
use crate::reports::model::{Period, MAX_DAYS};

pub struct Span {
    pub from: Date,
    pub to: Date,
    /// Milliseconds: the first local day's start and the day after the last's.
    pub since: i64,
    pub until: i64,
}

/// The zone of a name, UTC for an unknown one.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

fn day_start(date: Date, tz: &TimeZone) -> Result<i64, AppError> {
    let zoned = date
        .to_zoned(tz.clone())
        .map_err(|_| AppError::validation("from", "invalid"))?;
    Ok(zoned.timestamp().as_millisecond())
}

fn parse_date(text: &str, field: &'static str) -> Result<Date, AppError> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| AppError::validation(field, "invalid"))
}

/// The period as local dates and instants, `now` in milliseconds. A custom period must
/// run forwards and last at most [`MAX_DAYS`].
pub fn span(period: &Period, tz: &TimeZone, now: i64) -> Result<Span, AppError> {
    let today = Timestamp::from_millisecond(now)
        .map_err(|_| AppError::Internal)?
        .to_zoned(tz.clone())
        .date();
    let (from, to) = match period {
        Period::Today => (today, today),
        Period::Last(days) => {
            let back = i64::from((*days).clamp(1, 366)) - 1;
            let from = today
                .checked_sub(jiff::Span::new().days(back))
                .map_err(|_| AppError::Internal)?;
            (from, today)
        }
        Period::Custom { from, to } => {
            let (from, to) = (parse_date(from, "from")?, parse_date(to, "to")?);
            if to < from {
                return Err(AppError::validation("to", "before_from"));
            }
            let days = from.until(to).map_err(|_| AppError::Internal)?.get_days();
            if i64::from(days) >= MAX_DAYS {
                return Err(AppError::validation("to", "too_long"));
            }
            (from, to)
        }
    };
    let after = to.tomorrow().map_err(|_| AppError::Internal)?;
    Ok(Span {
        from,
        to,
        since: day_start(from, tz)?,
        until: day_start(after, tz)?,
    })
}

/// An instant's local date, weekday (Monday 0) and hour.
pub fn local(at_ms: i64, tz: &TimeZone) -> (Date, usize, usize) {
    let local = Timestamp::from_millisecond(at_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(tz.clone())
        .datetime();
    (
        local.date(),
        local.weekday().to_monday_zero_offset() as usize,
        local.hour() as usize,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_whole_local_days() {
        let madrid = zone("Europe/Madrid");
        // 2026-12-05 10:00 UTC.
        let now = 1_796_464_800_000;
        let week = span(&Period::Last(7), &madrid, now).unwrap();
        assert_eq!(
            (week.from.to_string(), week.to.to_string()),
            ("2026-11-29".into(), "2026-12-05".into())
        );
        // Midnight in Madrid is 23:00 UTC the day before in winter.
        assert_eq!(week.since, 1_795_906_800_000);
        assert_eq!(week.until - week.since, 7 * 86_400_000);
        let custom = Period::Custom {
            from: "2026-12-02".into(),
            to: "2026-12-01".into(),
        };
        assert!(span(&custom, &madrid, now).is_err());
        let bad = Period::Custom {
            from: "2026-13-01".into(),
            to: "2026-12-01".into(),
        };
        assert!(span(&bad, &madrid, now).is_err());
        assert_eq!(zone("Nowhere/Else"), TimeZone::UTC);
    }
}
