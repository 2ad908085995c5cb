//! Chatwoot's reports API v2 (`/api/v2/accounts/{id}/reports`, `…/reports/summary`
//! and `…/reports/conversations`) over Charla's own reports: administrators only, as in
//! Chatwoot; `type` account, inbox, agent, team or label with its `id`; `since` and
//! `until` in Unix seconds.
use serde_json::{json, Value};

use super::Caller;
use crate::auth::permission::require_admin;
use crate::error::AppError;
use crate::reports::model::{Scope, Summary};
use crate::reports::ssr::series::{Grouping, Metric};
use crate::reports::ssr::{series_between, summary_between};
use jiff::tz::TimeZone;

/// The scope a `type` and `id` name.
pub fn scope_of(kind: Option<&str>, id: Option<i64>) -> Result<Scope, AppError> {
    let id = || id.ok_or(AppError::validation("id", "required"));
    Ok(match kind.unwrap_or("account") {
        "account" => Scope::Account,
        "inbox" => Scope::Inbox(id()?),
        "agent" => Scope::Agent(id()?),
        "team" => Scope::Team(id()?),
        "label" => Scope::Label(id()?),
        _ => return Err(AppError::validation("type", "invalid")),
    })
}

fn shape(s: &Summary) -> Value {
    json!({
        "avg_first_response_time": s.first_response.mean.unwrap_or(0),
        "avg_resolution_time": s.resolution.mean.unwrap_or(0),
        "avg_reply_time": s.reply.mean.unwrap_or(0),
        "conversations_count": s.opened,
        "incoming_messages_count": s.received,
        "outgoing_messages_count": s.sent,
        "resolutions_count": s.resolved,
        "csat_score": s.csat_score(),
        "csat_response_rate": s.csat_response_rate(),
    })
}

/// A stretch of Unix seconds the reports answer: forwards, from 1970 to 9999 (nothing
/// below can overflow), at most two years.
fn check_window(since: i64, until: i64) -> Result<(), AppError> {
    let known = 0..=253_402_300_799_i64;
    if !known.contains(&since)
        || !known.contains(&until)
        || until <= since
        || until - since > 731 * 86_400
    {
        return Err(AppError::validation("until", "invalid"));
    }
    Ok(())
}

/// Reports are administrators': checked before the question is read.
pub fn allowed(caller: &Caller<'_>) -> Result<(), AppError> {
    require_admin(caller.agent)
}

/// The zone buckets are cut in: Chatwoot's `timezone_offset` (hours, fractions as
/// India's 5.5), UTC when left out, as Chatwoot.
pub fn zone_of(offset: Option<&str>) -> Result<TimeZone, AppError> {
    match offset.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => {
            let hours: f64 = text
                .parse()
                .map_err(|_| AppError::validation("timezone_offset", "invalid"))?;
            if !(-12.0..=14.0).contains(&hours) {
                return Err(AppError::validation("timezone_offset", "invalid"));
            }
            let offset = jiff::tz::Offset::from_seconds((hours * 3600.0).round() as i32)
                .map_err(|_| AppError::validation("timezone_offset", "invalid"))?;
            Ok(TimeZone::fixed(offset))
        }
        None => Ok(TimeZone::UTC),
    }
}

/// One metric over `since..until`, a point per bucket as Chatwoot's `GET …/reports`
/// answers: `value` and `timestamp` (the bucket's start, Unix seconds); a mean (in
/// seconds, 0 where nothing happened) also says how many it is the mean of (`count`).
#[allow(clippy::too_many_arguments)]
pub async fn series(
    caller: &Caller<'_>,
    metric: Metric,
    scope: Scope,
    since: i64,
    until: i64,
    grouping: Grouping,
    tz: &TimeZone,
    business_hours: bool,
) -> Result<Value, AppError> {
    require_admin(caller.agent)?;
    check_window(since, until)?;
    let buckets = series_between(
        caller.db(),
        caller.agent.account_id,
        scope,
        since * 1000,
        until * 1000,
        tz,
        grouping,
        metric,
        business_hours,
    )
    .await?;
    let points = buckets.iter().map(|b| {
        let timestamp = b.start.div_euclid(1000);
        if metric.is_mean() {
            let mean = if b.count == 0 {
                0.0
            } else {
                b.sum as f64 / b.count as f64
            };
            json!({"value": mean, "timestamp": timestamp, "count": b.count})
        } else {
            json!({"value": b.count, "timestamp": timestamp})
        }
    });
    Ok(Value::Array(points.collect()))
}

/// The period's summary with the one just before it (`previous`), as Chatwoot answers.
pub async fn summary(
    caller: &Caller<'_>,
    scope: Scope,
    since: i64,
    until: i64,
    business_hours: bool,
) -> Result<Value, AppError> {
    require_admin(caller.agent)?;
    check_window(since, until)?;
    let db = &caller.state.db;
    let account = caller.agent.account_id;
    let (since_ms, until_ms) = (since * 1000, until * 1000);
    let now = summary_between(db, account, scope, since_ms, until_ms, business_hours).await?;
    let length = until_ms - since_ms;
    let before = summary_between(
        db,
        account,
        scope,
        since_ms - length,
        since_ms,
        business_hours,
    )
    .await?;
    let mut answer = shape(&now);
    answer["previous"] = shape(&before);
    Ok(answer)
}

/// Conversations open now: all of them, those waiting for the team's answer, and
/// those nobody has.
pub async fn conversations_now(caller: &Caller<'_>) -> Result<Value, AppError> {
    require_admin(caller.agent)?;
    let (open, unattended, unassigned): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN waiting_since IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0) \
         FROM conversations WHERE account_id = $1 AND status = 'open'",
    )
    .bind(caller.agent.account_id)
    .fetch_one(&caller.state.db.pool)
    .await?;
    Ok(json!({"open": open, "unattended": unattended, "unassigned": unassigned}))
}
