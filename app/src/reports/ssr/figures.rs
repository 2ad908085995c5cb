//! A period's figures from the rollups: counts per quarter hour and agent from
//! `report_slots` (or, for a label, from the events and messages of conversations that
//! carry it now), durations from `report_events`, folded into local days in Rust.
use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use sqlx::Row;

use super::period::{local, Span};
use crate::db::Db;
use crate::error::AppError;
use crate::reports::model::{
    AgentRow, DayRow, Report, ReportQuery, Scope, ScopeOptions, Spread, Summary,
};

pub(super) const SLOT_MS: i64 = 900_000;

/// Counts by quarter hour (`by = "slot"`) or by agent (`by = "agent_id"`).
fn counts_sql(scope: Scope, by: &str) -> String {
    match scope {
        Scope::Label(_) => format!(
            "SELECT name, {by} AS k, COUNT(*) AS total FROM (\
             SELECT e.name AS name, e.at / {SLOT_MS} AS slot, COALESCE(e.agent_id, 0) AS agent_id \
             FROM report_events e JOIN conversation_labels cl ON cl.conversation_id = e.conversation_id AND cl.label_id = $4 \
             WHERE e.account_id = $1 AND e.name IN ('opened', 'resolved', 'reopened') AND e.at >= $2 AND e.at < $3 \
             UNION ALL \
             SELECT CASE m.direction WHEN 'incoming' THEN 'received' ELSE 'sent' END, m.created_at / {SLOT_MS}, \
             CASE m.direction WHEN 'incoming' THEN COALESCE(c.assignee_id, 0) ELSE m.sender_agent_id END \
             FROM messages m JOIN conversation_labels cl ON cl.conversation_id = m.conversation_id AND cl.label_id = $4 \
             JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.account_id = $1 AND m.created_at >= $2 AND m.created_at < $3 AND m.private = 0 \
             AND (m.direction = 'incoming' OR (m.direction = 'outgoing' AND m.sender_agent_id IS NOT NULL))\
             ) u GROUP BY name, {by}"
        ),
        _ => format!(
            "SELECT name, {by} AS k, CAST(SUM(total) AS BIGINT) AS total FROM report_slots \
             WHERE account_id = $1 AND name IN ('opened', 'resolved', 'reopened', 'received', 'sent') \
             AND slot >= $2 / {SLOT_MS} AND slot < $3 / {SLOT_MS}{} GROUP BY name, {by}",
            scope_filter(scope, "")
        ),
    }
}

/// ` AND <column> = $4` for a scope kept in a column of `report_slots`/`report_events`.
fn scope_filter(scope: Scope, alias: &str) -> String {
    match scope {
        Scope::Inbox(_) => format!(" AND {alias}inbox_id = $4"),
        Scope::Agent(_) => format!(" AND {alias}agent_id = $4"),
        Scope::Team(_) => format!(" AND {alias}team_id = $4"),
        Scope::Account | Scope::Label(_) => String::new(),
    }
}

fn scope_id(scope: Scope) -> i64 {
    match scope {
        Scope::Account => 0,
        Scope::Inbox(id) | Scope::Agent(id) | Scope::Team(id) | Scope::Label(id) => id,
    }
}

fn samples_sql(scope: Scope) -> String {
    let label = match scope {
        Scope::Label(_) => {
            " JOIN conversation_labels cl ON cl.conversation_id = e.conversation_id AND cl.label_id = $4"
        }
        _ => "",
    };
    format!(
        "SELECT e.name, e.at, COALESCE(e.agent_id, 0) AS agent_id, \
         CASE WHEN $5 = 1 THEN COALESCE(e.business_value, e.value) ELSE e.value END AS v \
         FROM report_events e{label} WHERE e.account_id = $1 \
         AND e.name IN ('first_response', 'reply', 'resolved') AND e.at >= $2 AND e.at < $3{}",
        scope_filter(scope, "e.")
    )
}

fn waiting_sql(scope: Scope) -> String {
    let filter = match scope {
        Scope::Inbox(_) => " AND c.inbox_id = $2",
        Scope::Agent(_) => " AND c.assignee_id = $2",
        Scope::Team(_) => " AND c.team_id = $2",
        Scope::Label(_) => {
            " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = $2)"
        }
        Scope::Account => " AND $2 = $2",
    };
    format!(
        "SELECT COUNT(*) FROM conversations c WHERE c.account_id = $1 AND c.status = 'open' \
         AND c.waiting_since IS NOT NULL{filter}"
    )
}

pub(super) async fn counts(
    db: &Db,
    account_id: i64,
    query: &ReportQuery,
    span: &Span,
    by: &str,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(&counts_sql(query.scope, by))
        .bind(account_id)
        .bind(span.since)
        .bind(span.until)
        .bind(scope_id(query.scope))
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("k")?, r.try_get("total")?)))
        .collect()
}

pub(super) struct Sample {
    pub name: String,
    pub at: i64,
    pub agent_id: i64,
    pub value: i64,
}

pub(super) async fn samples(
    db: &Db,
    account_id: i64,
    query: &ReportQuery,
    span: &Span,
) -> Result<Vec<Sample>, sqlx::Error> {
    let rows = sqlx::query(&samples_sql(query.scope))
        .bind(account_id)
        .bind(span.since)
        .bind(span.until)
        .bind(scope_id(query.scope))
        .bind(query.business_hours as i64)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Sample {
                name: r.try_get("name")?,
                at: r.try_get("at")?,
                agent_id: r.try_get("agent_id")?,
                value: r.try_get("v")?,
            })
        })
        .collect()
}

fn mean(values: &[i64]) -> Option<i64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() / values.len() as i64)
}

/// The figures of a period: everything a [`Report`] holds but its period and options.
pub async fn figures(
    db: &Db,
    account_id: i64,
    query: &ReportQuery,
    span: &Span,
    tz: &TimeZone,
    options: &ScopeOptions,
) -> Result<Report, AppError> {
    let by_slot = counts(db, account_id, query, span, "slot").await?;
    let by_agent = counts(db, account_id, query, span, "agent_id").await?;
    let samples = samples(db, account_id, query, span).await?;
    let waiting_now: i64 = sqlx::query_scalar(&waiting_sql(query.scope))
        .bind(account_id)
        .bind(scope_id(query.scope))
        .fetch_one(&db.pool)
        .await?;

    let mut days: BTreeMap<String, DayRow> = BTreeMap::new();
    let mut day = span.from;
    while day <= span.to {
        let date = day.to_string();
        days.insert(
            date.clone(),
            DayRow {
                date,
                ..Default::default()
            },
        );
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let mut heat = vec![vec![0_i64; 24]; 7];
    let mut summary = Summary {
        waiting_now,
        ..Default::default()
    };
    super::csat::fill(
        db,
        account_id,
        query.scope,
        span.since,
        span.until,
        &mut summary,
    )
    .await?;
    for (name, slot, total) in &by_slot {
        let (date, weekday, hour) = local(slot * SLOT_MS, tz);
        let date = date.to_string();
        let row = days.entry(date.clone()).or_insert_with(|| DayRow {
            date,
            ..Default::default()
        });
        let (day_count, sum) = match name.as_str() {
            "opened" => {
                heat[weekday][hour] += total;
                (&mut row.opened, &mut summary.opened)
            }
            "resolved" => (&mut row.resolved, &mut summary.resolved),
            "received" => (&mut row.received, &mut summary.received),
            "sent" => (&mut row.sent, &mut summary.sent),
            "reopened" => {
                summary.reopened += total;
                continue;
            }
            _ => continue,
        };
        *day_count += total;
        *sum += total;
    }

    let mut all: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut per_day: HashMap<(String, &str), Vec<i64>> = HashMap::new();
    let mut per_agent: HashMap<(i64, &str), Vec<i64>> = HashMap::new();
    for s in &samples {
        all.entry(s.name.as_str()).or_default().push(s.value);
        if s.name != "reply" {
            let (date, _, _) = local(s.at, tz);
            per_day
                .entry((date.to_string(), s.name.as_str()))
                .or_default()
                .push(s.value);
        }
        if s.agent_id != 0 {
            per_agent
                .entry((s.agent_id, s.name.as_str()))
                .or_default()
                .push(s.value);
        }
    }
    let mut spread = |name: &str| Spread::of(all.remove(name).unwrap_or_default());
    summary.first_response = spread("first_response");
    summary.reply = spread("reply");
    summary.resolution = spread("resolved");
    for row in days.values_mut() {
        let mean_of =
            |name: &'static str| per_day.get(&(row.date.clone(), name)).and_then(|v| mean(v));
        row.first_response_mean = mean_of("first_response");
        row.resolution_mean = mean_of("resolved");
    }

    let mut agents: BTreeMap<i64, AgentRow> = BTreeMap::new();
    for (name, agent_id, total) in &by_agent {
        if *agent_id == 0 {
            continue;
        }
        let row = agents.entry(*agent_id).or_default();
        match name.as_str() {
            "resolved" => row.resolved += total,
            "sent" => row.sent += total,
            _ => {}
        }
    }
    for (agent_id, name) in per_agent.keys() {
        if *name != "reply" {
            agents.entry(*agent_id).or_default();
        }
    }
    let agents = agents
        .into_iter()
        .map(|(agent_id, mut row)| {
            row.agent_id = agent_id;
            row.name = options
                .agents
                .iter()
                .find(|a| a.id == agent_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            let take = |name: &str| {
                Spread::of(
                    per_agent
                        .get(&(agent_id, name))
                        .cloned()
                        .unwrap_or_default(),
                )
            };
            row.first_response = take("first_response");
            row.resolution = take("resolved");
            row
        })
        .collect();
    Ok(Report {
        summary,
        days: days.into_values().collect(),
        heat,
        agents,
        ..Default::default()
    })
}
