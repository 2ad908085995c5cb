//! The conversation list by page number, for the Chatwoot-compatible API (`?page=`):
//! the same visibility and filters as the list's keyset pages, newest activity first,
//! every status at once if asked, and the tab counts for the same filters.
use sqlx::Row;

use super::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use super::list::{filter_conditions, Arg};
use crate::conversations::model::{ConversationSummary, ListFilter, Tab, TabCounts};
use crate::db::Db;
use crate::domain::ConversationStatus;
use crate::error::AppError;

/// Which conversations by assignee: a tab, or "assigned to anyone".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Tab(Tab),
    Anyone,
}

/// The status condition on `$4`: one status, or any (the parameter is still bound,
/// so every query numbers its parameters the same way).
fn status_condition(status: Option<ConversationStatus>) -> &'static str {
    match status {
        Some(_) => "AND c.status = $4",
        None => "AND CAST($4 AS TEXT) IS NOT NULL",
    }
}

/// ` AND` the conversation carries any of `labels` (the API's `labels[]`), numbered by
/// `param`; nothing when there are none.
fn any_label_condition(labels: &[i64], param: &mut impl FnMut() -> usize) -> (String, Vec<Arg>) {
    if labels.is_empty() {
        return (String::new(), Vec::new());
    }
    let listed: Vec<String> = labels.iter().map(|_| format!("${}", param())).collect();
    (
        format!(
            " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id \
             AND cl.label_id IN ({}))",
            listed.join(", ")
        ),
        labels.iter().map(|id| Arg::Int(*id)).collect(),
    )
}

/// Page `page` (from 1) of `per_page` rows; `any_labels`: carrying any of them.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    db: &Db,
    viewer: Viewer,
    assignee: Assignee,
    status: Option<ConversationStatus>,
    filter: &ListFilter,
    any_labels: &[i64],
    page: i64,
    per_page: i64,
) -> Result<Vec<ConversationSummary>, AppError> {
    let mut next_param = 5;
    let mut param = || {
        next_param += 1;
        next_param - 1
    };
    let (tab, anyone) = match assignee {
        Assignee::Tab(tab) => (tab, ""),
        Assignee::Anyone => (Tab::All, "AND c.assignee_id IS NOT NULL"),
    };
    let (limit, offset) = (param(), param());
    let (mut conditions, mut args) = filter_conditions(tab, filter, &mut param);
    let (labelled, label_args) = any_label_condition(any_labels, &mut param);
    conditions.push_str(&labelled);
    args.extend(label_args);
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} {} {conditions} {anyone} \
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ${limit} OFFSET ${offset}",
        status_condition(status)
    );
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(status.map_or("", |s| s.as_str()))
        .bind(per_page)
        .bind((page.max(1) - 1).saturating_mul(per_page));
    for arg in args {
        query = arg.bind(query);
    }
    let rows = query.fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// Mine, unassigned and all for a status (or every status) and filter. Without a
/// filter, from the tallies the database keeps (summed over the statuses for every
/// status); with one, counted.
pub async fn counts(
    db: &Db,
    viewer: Viewer,
    status: Option<ConversationStatus>,
    filter: &ListFilter,
    any_labels: &[i64],
) -> Result<TabCounts, AppError> {
    if *filter == ListFilter::default() && any_labels.is_empty() {
        let statuses = match status {
            Some(status) => vec![status],
            None => ConversationStatus::ALL.to_vec(),
        };
        let mut total = TabCounts::default();
        for status in statuses {
            let counts = super::list::counts(db, viewer, status).await?;
            total.mine += counts.mine;
            total.unassigned += counts.unassigned;
            total.all += counts.all;
        }
        return Ok(total);
    }
    let mut next_param = 5;
    let mut param = || {
        next_param += 1;
        next_param - 1
    };
    let (mut conditions, mut args) = filter_conditions(Tab::All, filter, &mut param);
    let (labelled, label_args) = any_label_condition(any_labels, &mut param);
    conditions.push_str(&labelled);
    args.extend(label_args);
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS total, \
         CAST(COALESCE(SUM(CASE WHEN c.assignee_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS mine, \
         CAST(COALESCE(SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS unassigned \
         FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.agent_id = $2 \
         WHERE {VISIBLE} {} {conditions}",
        status_condition(status)
    );
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(status.map_or("", |s| s.as_str()));
    for arg in args {
        query = arg.bind(query);
    }
    let row = query.fetch_one(&db.pool).await?;
    Ok(TabCounts {
        mine: row.try_get("mine")?,
        unassigned: row.try_get("unassigned")?,
        all: row.try_get("total")?,
    })
}
