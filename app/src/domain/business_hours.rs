//! An inbox's business hours (issue 31): a weekly schedule in the inbox's time zone,
//! holidays, and the out-of-office reply a customer gets once per conversation when
//! she writes outside them. The rules live here, shared by the settings form and the
//! server; which instant is which local time is the server's (`jiff`, IANA zones).
use serde::{Deserialize, Serialize};

pub const MESSAGE_MAX_CHARS: usize = 1000;
pub const MAX_HOLIDAYS: usize = 100;
pub const MAX_ZONE_CHARS: usize = 64;
/// Minutes in a day: a closing time of 24:00 is 1440.
pub const DAY_MINUTES: u16 = 24 * 60;

/// One day's opening: from `open` to `close`, minutes after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours {
    pub open: u16,
    pub close: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    pub enabled: bool,
    /// An IANA zone, `Europe/Madrid`.
    pub time_zone: String,
    /// Monday first; `None` is closed all day.
    pub days: Vec<Option<DayHours>>,
    /// Local dates (`2026-12-25`) closed all day.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Sent once per conversation to a customer who writes outside the hours; empty:
    /// none is sent (the widget still says the team is away).
    #[serde(default)]
    pub out_of_office: String,
}

impl Default for BusinessHours {
    /// Off; when switched on, Monday to Friday 9:00–18:00 in Madrid.
    fn default() -> Self {
        let weekday = Some(DayHours {
            open: 9 * 60,
            close: 18 * 60,
        });
        BusinessHours {
            enabled: false,
            time_zone: "Europe/Madrid".into(),
            days: vec![weekday, weekday, weekday, weekday, weekday, None, None],
            holidays: Vec::new(),
            out_of_office: String::new(),
        }
    }
}

/// `HH:MM` (00:00–24:00) as minutes after midnight.
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && minutes <= DAY_MINUTES).then_some(minutes)
}

/// Minutes after midnight as `HH:MM`.
pub fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `YYYY-MM-DD` with a month and a day that exist in some year.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let number = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    matches!(
        (number(y, 4), number(m, 2), number(d, 2)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

impl BusinessHours {
    /// Normalised hours, or the first failed rule as (field, code). The zone's
    /// existence is checked by the server, which knows the zones.
    pub fn checked(&self) -> Result<BusinessHours, (&'static str, &'static str)> {
        let time_zone = self.time_zone.trim().to_owned();
        if time_zone.is_empty()
            || time_zone.chars().count() > MAX_ZONE_CHARS
            || !time_zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        {
            return Err(("time_zone", "invalid"));
        }
        if self.days.len() != 7 {
            return Err(("days", "invalid"));
        }
        if self
            .days
            .iter()
            .flatten()
            .any(|d| d.open >= d.close || d.close > DAY_MINUTES)
        {
            return Err(("days", "invalid"));
        }
        let mut holidays: Vec<String> = Vec::new();
        for day in &self.holidays {
            let day = day.trim();
            if day.is_empty() {
                continue;
            }
            if !is_date(day) {
                return Err(("holidays", "invalid"));
            }
            if !holidays.iter().any(|h| h == day) {
                holidays.push(day.to_owned());
            }
        }
        if holidays.len() > MAX_HOLIDAYS {
            return Err(("holidays", "too_many"));
        }
        holidays.sort();
        let out_of_office = self.out_of_office.trim().to_owned();
        if out_of_office.chars().count() > MESSAGE_MAX_CHARS {
            return Err(("out_of_office", "too_long"));
        }
        Ok(BusinessHours {
            enabled: self.enabled,
            time_zone,
            days: self.days.clone(),
            holidays,
            out_of_office,
        })
    }

    /// Whether the team works at a local time: `weekday` 0 is Monday, `minute` after
    /// midnight, `date` as `YYYY-MM-DD`. Hours switched off: always.
    pub fn open_at(&self, weekday: usize, minute: u16, date: &str) -> bool {
        if !self.enabled {
            return true;
        }
        if self.holidays.iter().any(|h| h == date) {
            return false;
        }
        match self.days.get(weekday).copied().flatten() {
            Some(day) => day.open <= minute && minute < day.close,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn madrid() -> BusinessHours {
        BusinessHours {
            enabled: true,
            ..Default::default()
        }
    }

    #[test]
    fn open_within_the_day_s_hours_and_closed_on_holidays_and_weekends() {
        let hours = madrid();
        assert!(hours.open_at(0, 9 * 60, "2026-12-07"));
        assert!(hours.open_at(4, 18 * 60 - 1, "2026-12-11"));
        assert!(
            !hours.open_at(4, 18 * 60, "2026-12-11"),
            "closing time is out"
        );
        assert!(!hours.open_at(0, 8 * 60 + 59, "2026-12-07"));
        assert!(!hours.open_at(5, 12 * 60, "2026-12-12"), "Saturday");
        let mut holiday = madrid();
        holiday.holidays = vec!["2026-12-08".into()];
        assert!(!holiday.open_at(1, 12 * 60, "2026-12-08"));
        assert!(
            BusinessHours::default().open_at(6, 3 * 60, "2026-12-13"),
            "off: always open"
        );
    }

    #[test]
    fn bad_hours_are_refused_by_field() {
        let mut hours = madrid();
        hours.days[0] = Some(DayHours {
            open: 600,
            close: 540,
        });
        assert_eq!(hours.checked(), Err(("days", "invalid")));
        let mut hours = madrid();
        hours.time_zone = "Europe/Madrid; DROP".into();
        assert_eq!(hours.checked(), Err(("time_zone", "invalid")));
        let mut hours = madrid();
        hours.holidays = vec!["2026-13-01".into()];
        assert_eq!(hours.checked(), Err(("holidays", "invalid")));
        let mut hours = madrid();
        hours.out_of_office = "x".repeat(MESSAGE_MAX_CHARS + 1);
        assert_eq!(hours.checked(), Err(("out_of_office", "too_long")));
        let mut hours = madrid();
        hours.holidays = vec![
            " 2026-12-25 ".into(),
            "2026-01-06".into(),
            "2026-12-25".into(),
        ];
        assert_eq!(
            hours.checked().unwrap().holidays,
            vec!["2026-01-06".to_owned(), "2026-12-25".to_owned()]
        );
    }

    #[test]
    fn clocks_read_and_print() {
        assert_eq!(parse_clock("09:30"), Some(570));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("9:60"), None);
        assert_eq!(clock_text(570), "09:30");
    }
}
