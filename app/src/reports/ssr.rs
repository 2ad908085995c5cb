//! The reports' services: a period's figures for a scope, the account's time zone, the
//! business-hours worker and the CSV downloads. Administrators only (the caller checks).
pub mod business;
mod csat;
pub mod csv;
mod figures;
pub mod period;
pub mod series;

use sqlx::Row;

use super::model::{Named, Report, ReportQuery, Scope, ScopeOptions, Summary};
use crate::db::{now_ms, Db};
use crate::error::AppError;

pub use figures::figures;

/// The account's time zone (an IANA name; UTC until an administrator sets one).
pub async fn time_zone(db: &Db, account_id: i64) -> Result<String, AppError> {
    let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(zone.unwrap_or_else(|| "UTC".into()))
}

/// A time zone the account may take (an IANA name jiff knows), trimmed.
pub fn check_time_zone(zone: &str) -> Result<&str, AppError> {
    let zone = zone.trim();
    if zone.is_empty() || zone.len() > 64 || jiff::tz::TimeZone::get(zone).is_err() {
        return Err(AppError::validation("time_zone", "unknown"));
    }
    Ok(zone)
}

/// Sets the account's time zone; an unknown one is refused and nothing changes.
pub async fn save_time_zone(db: &Db, account_id: i64, zone: &str) -> Result<String, AppError> {
    let zone = check_time_zone(zone)?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE accounts SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(zone.to_owned())
}

/// The report a page shows: figures, days, heat map, agents, and what it can be
/// scoped to.
pub async fn report(db: &Db, account_id: i64, query: &ReportQuery) -> Result<Report, AppError> {
    let zone_name = time_zone(db, account_id).await?;
    let tz = period::zone(&zone_name);
    let span = period::span(&query.period, &tz, now_ms())?;
    let options = options(db, account_id).await?;
    check_scope(&options, query.scope)?;
    let mut report = figures(db, account_id, query, &span, &tz, &options).await?;
    report.from = span.from.to_string();
    report.to = span.to.to_string();
    report.time_zone = zone_name;
    report.options = options;
    Ok(report)
}

/// The summary of any stretch of time (milliseconds), for the API: counts to the
/// quarter hour, times exact.
pub async fn summary_between(
    db: &Db,
    account_id: i64,
    scope: Scope,
    since: i64,
    until: i64,
    business_hours: bool,
) -> Result<Summary, AppError> {
    let tz = period::zone(&time_zone(db, account_id).await?);
    let options = options(db, account_id).await?;
    check_scope(&options, scope)?;
    let span = period::Span {
        from: period::local(since, &tz).0,
        to: period::local(until - 1, &tz).0,
        since,
        until,
    };
    let query = ReportQuery {
        period: super::model::Period::Today,
        scope,
        business_hours,
    };
    Ok(figures(db, account_id, &query, &span, &tz, &options)
        .await?
        .summary)
}

/// A figure over `since..until` (milliseconds) in buckets of `tz`, for the API.
#[allow(clippy::too_many_arguments)]
pub async fn series_between(
    db: &Db,
    account_id: i64,
    scope: Scope,
    since: i64,
    until: i64,
    tz: &jiff::tz::TimeZone,
    grouping: series::Grouping,
    metric: series::Metric,
    business_hours: bool,
) -> Result<Vec<series::Bucket>, AppError> {
    check_scope(&options(db, account_id).await?, scope)?;
    series::series(
        db,
        account_id,
        scope,
        since,
        until,
        tz,
        grouping,
        metric,
        business_hours,
    )
    .await
}

/// A scope naming something the account does not have is not found.
fn check_scope(options: &ScopeOptions, scope: Scope) -> Result<(), AppError> {
    let has = |list: &[Named], id: i64| list.iter().any(|n| n.id == id);
    let known = match scope {
        Scope::Account => true,
        Scope::Inbox(id) => has(&options.inboxes, id),
        Scope::Agent(id) => has(&options.agents, id),
        Scope::Team(id) => has(&options.teams, id),
        Scope::Label(id) => has(&options.labels, id),
    };
    known.then_some(()).ok_or(AppError::NotFound)
}

async fn named(db: &Db, sql: &str, account_id: i64) -> Result<Vec<Named>, sqlx::Error> {
    let rows = sqlx::query(sql)
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Named {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// The account's inboxes, agents (removed ones too: their past work counts), teams
/// and labels, by name.
pub async fn options(db: &Db, account_id: i64) -> Result<ScopeOptions, AppError> {
    Ok(ScopeOptions {
        inboxes: named(
            db,
            "SELECT id, name FROM inboxes WHERE account_id = $1 ORDER BY name, id",
            account_id,
        )
        .await?,
        agents: named(
            db,
            "SELECT id, COALESCE(NULLIF(display_name, ''), name) AS name FROM agents \
             WHERE account_id = $1 ORDER BY 2, id",
            account_id,
        )
        .await?,
        teams: named(
            db,
            "SELECT id, name FROM teams WHERE account_id = $1 ORDER BY name, id",
            account_id,
        )
        .await?,
        labels: named(
            db,
            "SELECT id, name FROM labels WHERE account_id = $1 ORDER BY name, id",
            account_id,
        )
        .await?,
    })
}
