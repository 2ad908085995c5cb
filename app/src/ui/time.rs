//! Dates and times for display. The server renders in UTC and the browser switches to
//! its own offset right after hydration, so both first renders agree.
use leptos::prelude::*;

use crate::domain::Millis;

/// Minutes east of UTC for display; provided at the app root.
#[derive(Clone, Copy)]
pub struct TimeZone(pub RwSignal<i32>);

pub fn provide_time_zone() {
    let offset = RwSignal::new(0);
    provide_context(TimeZone(offset));
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        offset.set(-(js_sys::Date::new_0().get_timezone_offset() as i32));
    });
}

/// The browser's clock (0 while rendering on the server, where nothing is scheduled).
pub fn now() -> Millis {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as Millis
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

fn offset() -> i32 {
    use_context::<TimeZone>().map(|tz| tz.0.get()).unwrap_or(0)
}

/// (year, month, day, hour, minute) of a Unix-millisecond instant at `offset_min`.
pub fn civil(ms: Millis, offset_min: i32) -> (i64, u32, u32, u32, u32) {
    let minutes = ms.div_euclid(60_000) + offset_min as i64;
    let days = minutes.div_euclid(1440);
    let minute_of_day = minutes.rem_euclid(1440);
    // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (
        year,
        month,
        day,
        (minute_of_day / 60) as u32,
        (minute_of_day % 60) as u32,
    )
}

/// An instant in UTC as ISO 8601 with milliseconds (`2026-12-05T09:30:05.120Z`), as
/// webhook payloads carry it (the server's only).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub fn iso_instant(ms: Millis) -> String {
    let (y, mo, d, h, mi) = civil(ms, 0);
    let (s, milli) = (ms.div_euclid(1000).rem_euclid(60), ms.rem_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// The day (`YYYY-MM-DD`) an instant falls on at `offset_min` (a date field's value).
pub fn iso_day(ms: Millis, offset_min: i32) -> String {
    let (y, mo, d, _, _) = civil(ms, offset_min);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// The first instant of a day (`YYYY-MM-DD`) at `offset_min`; `None` for a bad date.
pub fn day_start(date: &str, offset_min: i32) -> Option<Millis> {
    let mut parts = date.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Proleptic Gregorian date to days since 1970-01-01 (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 1440 - offset_min as i64) * 60_000)
}

/// The display time zone's offset (minutes east of UTC; 0 while rendering on the server).
pub fn display_offset() -> i32 {
    offset()
}

/// "14:05", reactive to the display time zone.
pub fn clock(ms: Millis) -> String {
    let (_, _, _, h, m) = civil(ms, offset());
    format!("{h:02}:{m:02}")
}

/// The day an instant falls on, as a sortable key and a label ("24/11/2026").
pub fn day(ms: Millis) -> (i64, String) {
    let (y, mo, d, _, _) = civil(ms, offset());
    (
        y * 10_000 + mo as i64 * 100 + d as i64,
        format!("{d:02}/{mo:02}/{y}"),
    )
}

/// "24/11 14:05" for list rows.
pub fn short(ms: Millis) -> String {
    let (_, mo, d, h, m) = civil(ms, offset());
    format!("{d:02}/{mo:02} {h:02}:{m:02}")
}

/// A signal that changes every second while the calling component is mounted (in the
/// browser): what reads it is redrawn as time passes ("writing…" lines that expire).
pub fn every_second() -> leptos::prelude::RwSignal<u32> {
    use leptos::prelude::*;
    let tick = RwSignal::new(0_u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|n| *n = n.wrapping_add(1)),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}

#[cfg(test)]
mod tests {
    use super::{civil, iso_instant};

    #[test]
    fn writes_instants_as_iso_8601() {
        assert_eq!(iso_instant(1_795_492_582_045), "2026-11-24T03:56:22.045Z");
        assert_eq!(iso_instant(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn converts_epoch_instants_to_civil_time() {
        assert_eq!(civil(0, 0), (1970, 1, 1, 0, 0));
        // 2026-11-24T03:56:22Z
        assert_eq!(civil(1_795_492_582_000, 0), (2026, 11, 24, 3, 56));
        // Madrid in winter is UTC+1; a day boundary moves with the offset.
        assert_eq!(civil(1_795_474_800_000, 60), (2026, 11, 24, 0, 0));
        assert_eq!(civil(1_795_474_800_000, 0), (2026, 11, 23, 23, 0));
        assert_eq!(civil(951_782_400_000, 0), (2000, 2, 29, 0, 0));
    }

    #[test]
    fn days_start_at_the_offset() {
        use super::day_start;
        assert_eq!(day_start("1970-01-01", 0), Some(0));
        assert_eq!(day_start("2000-02-29", 0), Some(951_782_400_000));
        // Midnight in Madrid (UTC+1) is 23:00 UTC the day before.
        assert_eq!(day_start("2026-11-24", 60), Some(1_795_474_800_000));
        assert_eq!(day_start("2026-13-01", 0), None);
        assert_eq!(day_start("nonsense", 0), None);
    }

    #[test]
    fn a_date_field_shows_the_day_it_began() {
        use super::{day_start, iso_day};
        for (day, offset) in [("2026-11-24", 60), ("2000-02-29", 0), ("2026-03-01", -300)] {
            let start = day_start(day, offset).unwrap();
            assert_eq!(iso_day(start, offset), day);
            // The last instant of the day is still that day; the next one is not.
            assert_eq!(iso_day(start + 86_399_999, offset), day);
            assert_ne!(iso_day(start + 86_400_000, offset), day);
        }
    }
}
