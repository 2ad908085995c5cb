//! One figure over time, in buckets of an hour, day, week (from Monday), month or year
//! of a time zone, every bucket of the stretch present (empty ones at zero): what
//! Chatwoot's `GET /api/v2/accounts/{id}/reports` answers and its clients chart. The
//! counts come from the same rollups as the page's, the durations from the same events.
use std::collections::BTreeMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Span as Length, Timestamp};

use super::figures::{counts, samples, SLOT_MS};
use super::period::Span;
use crate::db::Db;
use crate::error::AppError;
use crate::reports::model::{Period, ReportQuery, Scope};

/// More buckets than this is a question nobody charts (an hour's for a year).
pub const MAX_BUCKETS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Grouping {
    /// Chatwoot's `group_by`; anything else is a day, as there.
    pub fn parse(sent: Option<&str>) -> Grouping {
        match sent.map(str::trim) {
            Some("hour") => Grouping::Hour,
            Some("week") => Grouping::Week,
            Some("month") => Grouping::Month,
            Some("year") => Grouping::Year,
            _ => Grouping::Day,
        }
    }

    /// The local start of the bucket a local time falls in.
    fn start(self, at: DateTime) -> Result<DateTime, AppError> {
        let date = at.date();
        let date = match self {
            Grouping::Hour => return Ok(date.at(at.hour(), 0, 0, 0)),
            Grouping::Day => date,
            Grouping::Week => date
                .checked_sub(Length::new().days(date.weekday().to_monday_zero_offset()))
                .map_err(|_| AppError::Internal)?,
            Grouping::Month => date.first_of_month(),
            Grouping::Year => date.first_of_year(),
        };
        Ok(date.at(0, 0, 0, 0))
    }

    fn length(self) -> Length {
        match self {
            Grouping::Hour => Length::new().hours(1),
            Grouping::Day => Length::new().days(1),
            Grouping::Week => Length::new().weeks(1),
            Grouping::Month => Length::new().months(1),
            Grouping::Year => Length::new().years(1),
        }
    }
}

/// Which figure: a count of the rollups or the mean of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Conversations opened.
    Opened,
    /// Customers' messages.
    Received,
    /// Agents' replies.
    Sent,
    Resolved,
    FirstResponse,
    Resolution,
    Reply,
}

impl Metric {
    /// Chatwoot's metric names.
    pub fn parse(sent: &str) -> Option<Metric> {
        Some(match sent.trim() {
            "conversations_count" => Metric::Opened,
            "incoming_messages_count" => Metric::Received,
            "outgoing_messages_count" => Metric::Sent,
            "resolutions_count" => Metric::Resolved,
            "avg_first_response_time" => Metric::FirstResponse,
            "avg_resolution_time" => Metric::Resolution,
            "reply_time" => Metric::Reply,
            _ => return None,
        })
    }

    /// A mean of durations (answered with how many it is the mean of) rather than a
    /// count.
    pub fn is_mean(self) -> bool {
        matches!(
            self,
            Metric::FirstResponse | Metric::Resolution | Metric::Reply
        )
    }

    /// Its name in the rollups (`report_slots`) or the events (`report_events`).
    fn source(self) -> &'static str {
        match self {
            Metric::Opened => "opened",
            Metric::Received => "received",
            Metric::Sent => "sent",
            Metric::Resolved | Metric::Resolution => "resolved",
            Metric::FirstResponse => "first_response",
            Metric::Reply => "reply",
        }
    }
}

/// One bucket: where it starts (Unix milliseconds), how many (events or samples), and
/// for a mean the sum of the samples' seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    pub start: i64,
    pub count: i64,
    pub sum: i64,
}

fn local(at_ms: i64, tz: &TimeZone) -> Result<DateTime, AppError> {
    Ok(Timestamp::from_millisecond(at_ms)
        .map_err(|_| AppError::Internal)?
        .to_zoned(tz.clone())
        .datetime())
}

/// Every bucket from the one `since` falls in to the last starting before `until`
/// (milliseconds), keyed by start, empty. Buckets follow one another in real time from
/// the first local start (an hour is an hour, a day or a month runs to the next local
/// midnight), so a daylight-saving change neither merges two hours nor skips one.
pub fn buckets(
    since: i64,
    until: i64,
    tz: &TimeZone,
    grouping: Grouping,
) -> Result<BTreeMap<i64, Bucket>, AppError> {
    let mut all = BTreeMap::new();
    let mut start = grouping
        .start(local(since, tz)?)?
        .to_zoned(tz.clone())
        .map_err(|_| AppError::Internal)?;
    loop {
        let at = start.timestamp().as_millisecond();
        if at >= until {
            break;
        }
        if all.len() >= MAX_BUCKETS {
            return Err(AppError::validation("group_by", "too_many"));
        }
        all.insert(
            at,
            Bucket {
                start: at,
                ..Default::default()
            },
        );
        start = start
            .checked_add(grouping.length())
            .map_err(|_| AppError::Internal)?;
    }
    Ok(all)
}

/// The metric over `since..until` (milliseconds) for a scope, bucketed in `tz`.
#[allow(clippy::too_many_arguments)]
pub async fn series(
    db: &Db,
    account_id: i64,
    scope: Scope,
    since: i64,
    until: i64,
    tz: &TimeZone,
    grouping: Grouping,
    metric: Metric,
    business_hours: bool,
) -> Result<Vec<Bucket>, AppError> {
    let mut all = buckets(since, until, tz, grouping)?;
    let span = Span {
        from: local(since, tz)?.date(),
        to: local(until - 1, tz)?.date(),
        since,
        until,
    };
    // The queries read the span and the scope; the period is the page's, unused here.
    let query = ReportQuery {
        period: Period::Today,
        scope,
        business_hours,
    };
    // The bucket an instant falls in is the last one starting at or before it.
    let mut add = |at: i64, count: i64, sum: i64| {
        if let Some((_, bucket)) = all.range_mut(..=at).next_back() {
            bucket.count += count;
            bucket.sum += sum;
        }
    };
    if metric.is_mean() {
        for sample in samples(db, account_id, &query, &span).await? {
            if sample.name == metric.source() {
                add(sample.at, 1, sample.value);
            }
        }
    } else {
        for (name, slot, total) in counts(db, account_id, &query, &span, "slot").await? {
            if name == metric.source() {
                add(slot * SLOT_MS, total, 0);
            }
        }
    }
    Ok(all.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn every_bucket_of_the_stretch_is_there() {
        let utc = TimeZone::UTC;
        let days = buckets(
            at("2026-12-01T10:00:00Z"),
            at("2026-12-04T00:00:00Z"),
            &utc,
            Grouping::Day,
        )
        .unwrap();
        let starts: Vec<i64> = days.values().map(|b| b.start).collect();
        assert_eq!(
            starts,
            vec![
                at("2026-12-01T00:00:00Z"),
                at("2026-12-02T00:00:00Z"),
                at("2026-12-03T00:00:00Z")
            ]
        );
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first_in_the_zone() {
        let madrid = TimeZone::get("Europe/Madrid").unwrap();
        // Thursday 2026-12-03 in Madrid.
        let weeks = buckets(
            at("2026-12-03T12:00:00Z"),
            at("2026-12-10T00:00:00Z"),
            &madrid,
            Grouping::Week,
        )
        .unwrap();
        let starts: Vec<i64> = weeks.values().map(|b| b.start).collect();
        // Monday 2026-11-30 and 2026-12-07, midnight in Madrid (23:00 UTC the day before).
        assert_eq!(
            starts,
            vec![at("2026-11-29T23:00:00Z"), at("2026-12-06T23:00:00Z")]
        );
        // To April's first midnight in Madrid (summer time by then): three months; an
        // hour later April has begun there and is a fourth.
        let months = buckets(
            at("2026-01-15T00:00:00Z"),
            at("2026-03-31T22:00:00Z"),
            &madrid,
            Grouping::Month,
        )
        .unwrap();
        assert_eq!(months.len(), 3);
        let later = buckets(
            at("2026-01-15T00:00:00Z"),
            at("2026-03-31T23:00:00Z"),
            &madrid,
            Grouping::Month,
        )
        .unwrap();
        assert_eq!(later.len(), 4);
        assert_eq!(
            months.values().next().unwrap().start,
            at("2025-12-31T23:00:00Z")
        );
    }

    #[test]
    fn hours_stay_hours_across_daylight_saving() {
        let madrid = TimeZone::get("Europe/Madrid").unwrap();
        let starts = |since: &str, until: &str| -> Vec<i64> {
            buckets(at(since), at(until), &madrid, Grouping::Hour)
                .unwrap()
                .into_keys()
                .collect()
        };
        // Spring forward (2026-03-29, 02:00 local does not happen): local midnight to
        // 04:00 is three real hours, three buckets an hour apart.
        let spring = starts("2026-03-28T23:00:00Z", "2026-03-29T02:00:00Z");
        assert_eq!(
            spring,
            vec![
                at("2026-03-28T23:00:00Z"),
                at("2026-03-29T00:00:00Z"),
                at("2026-03-29T01:00:00Z")
            ]
        );
        // Fall back (2026-10-25, 02:00 local happens twice): five real hours, five
        // buckets, none merged.
        let autumn = starts("2026-10-24T22:00:00Z", "2026-10-25T03:00:00Z");
        assert_eq!(autumn.len(), 5);
        assert!(autumn.windows(2).all(|w| w[1] - w[0] == 3_600_000));
    }

    #[test]
    fn too_many_buckets_are_refused() {
        let hours = buckets(0, 2 * 366 * 86_400_000, &TimeZone::UTC, Grouping::Hour);
        assert!(hours.is_err());
    }

    #[test]
    fn chatwoot_names_read() {
        assert_eq!(Grouping::parse(Some("fortnight")), Grouping::Day);
        assert_eq!(Grouping::parse(Some("week")), Grouping::Week);
        assert_eq!(Metric::parse("reply_time"), Some(Metric::Reply));
        assert_eq!(Metric::parse("bot_handoffs_count"), None);
    }
}
