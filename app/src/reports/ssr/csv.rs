//! The reports as CSV: a period's days, its agents side by side, and its conversations
//! (one row each, a batch at a time, for a streamed download).
use jiff::tz::TimeZone;
use sqlx::Row;

use super::period::{span, zone, Span};
use crate::db::{now_ms, Db};
use crate::domain::spreadsheet::inert;
use crate::error::AppError;
use crate::reports::model::{Report, ReportQuery, Scope};

pub const DAYS_HEADER: &str = "date,conversations_opened,conversations_resolved,messages_received,messages_sent,first_response_mean_seconds,resolution_mean_seconds\n";
pub const AGENTS_HEADER: &str = "agent,conversations_resolved,messages_sent,first_response_median_seconds,first_response_p90_seconds,resolution_median_seconds,resolution_p90_seconds\n";
pub const CONVERSATIONS_HEADER: &str = "number,inbox,channel,status,priority,assignee,team,labels,contact,created_at,last_activity_at,first_response_seconds\n";

const BATCH: i64 = 500;

fn cell(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn written(writer: csv::Writer<Vec<u8>>) -> Result<String, AppError> {
    let bytes = writer.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new())
}

/// One line per local day of the report, after [`DAYS_HEADER`].
pub fn days(report: &Report) -> Result<String, AppError> {
    let mut w = writer();
    for d in &report.days {
        w.write_record([
            d.date.clone(),
            d.opened.to_string(),
            d.resolved.to_string(),
            d.received.to_string(),
            d.sent.to_string(),
            cell(d.first_response_mean),
            cell(d.resolution_mean),
        ])
        .map_err(|_| AppError::Internal)?;
    }
    Ok(format!("{DAYS_HEADER}{}", written(w)?))
}

/// One line per agent of the report, after [`AGENTS_HEADER`].
pub fn agents(report: &Report) -> Result<String, AppError> {
    let mut w = writer();
    for a in &report.agents {
        w.write_record([
            inert(&a.name),
            a.resolved.to_string(),
            a.sent.to_string(),
            cell(a.first_response.median),
            cell(a.first_response.p90),
            cell(a.resolution.median),
            cell(a.resolution.p90),
        ])
        .map_err(|_| AppError::Internal)?;
    }
    Ok(format!("{AGENTS_HEADER}{}", written(w)?))
}

/// Where a conversations export reads from: the period's instants and the zone its
/// times are written in.
pub struct ConversationsExport {
    pub span: Span,
    pub tz: TimeZone,
    pub scope: Scope,
}

pub async fn conversations_export(
    db: &Db,
    account_id: i64,
    query: &ReportQuery,
) -> Result<ConversationsExport, AppError> {
    let tz = zone(&super::time_zone(db, account_id).await?);
    let span = span(&query.period, &tz, now_ms())?;
    Ok(ConversationsExport {
        span,
        tz,
        scope: query.scope,
    })
}

fn local_time(ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// The conversations opened in the period (in the scope) after `after_id`, as CSV
/// lines, and the last id; `None` when there are no more.
pub async fn conversations_batch(
    db: &Db,
    account_id: i64,
    export: &ConversationsExport,
    after_id: i64,
) -> Result<Option<(String, i64)>, AppError> {
    let filter = match export.scope {
        Scope::Account => " AND $5 = $5",
        Scope::Inbox(_) => " AND c.inbox_id = $5",
        Scope::Agent(_) => " AND c.assignee_id = $5",
        Scope::Team(_) => " AND c.team_id = $5",
        Scope::Label(_) => {
            " AND EXISTS (SELECT 1 FROM conversation_labels x WHERE x.conversation_id = c.id AND x.label_id = $5)"
        }
    };
    let id = match export.scope {
        Scope::Account => 0,
        Scope::Inbox(id) | Scope::Agent(id) | Scope::Team(id) | Scope::Label(id) => id,
    };
    let sql = format!(
        "SELECT c.id, c.display_id, i.name AS inbox, i.channel_kind, c.status, c.priority, \
         COALESCE(NULLIF(a.display_name, ''), a.name) AS assignee, t.name AS team, \
         (SELECT group_concat(l.name) FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id \
          WHERE cl.conversation_id = c.id) AS labels, k.name AS contact, c.created_at, c.last_activity_at, \
         (SELECT MIN(e.value) FROM report_events e WHERE e.conversation_id = c.id AND e.name = 'first_response') AS first_response \
         FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         LEFT JOIN agents a ON a.id = c.assignee_id LEFT JOIN teams t ON t.id = c.team_id \
         LEFT JOIN contacts k ON k.id = c.contact_id \
         WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.id > $4{filter} \
         ORDER BY c.id LIMIT {BATCH}"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .bind(export.span.since)
        .bind(export.span.until)
        .bind(after_id)
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let Some(last) = rows.last().map(|r| r.try_get::<i64, _>("id")).transpose()? else {
        return Ok(None);
    };
    let priorities = ["", "low", "medium", "high", "urgent"];
    let mut w = writer();
    for r in &rows {
        let text = |name: &str| -> Result<String, sqlx::Error> {
            Ok(r.try_get::<Option<String>, _>(name)?.unwrap_or_default())
        };
        let priority: i64 = r.try_get("priority")?;
        w.write_record([
            r.try_get::<i64, _>("display_id")?.to_string(),
            inert(&text("inbox")?),
            text("channel_kind")?,
            text("status")?,
            priorities
                .get(priority as usize)
                .copied()
                .unwrap_or("")
                .to_owned(),
            inert(&text("assignee")?),
            inert(&text("team")?),
            inert(&text("labels")?),
            inert(&text("contact")?),
            local_time(r.try_get("created_at")?, &export.tz),
            local_time(r.try_get("last_activity_at")?, &export.tz),
            cell(r.try_get("first_response")?),
        ])
        .map_err(|_| AppError::Internal)?;
    }
    Ok(Some((written(w)?, last)))
}
