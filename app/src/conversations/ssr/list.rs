//! The conversation list (keyset pages, newest activity first) and the tab counts.
use sqlx::Row;

use super::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use crate::conversations::model::{ConversationPage, Cursor, ListFilter, ListSort, Tab, TabCounts};
use crate::db::{Backend, Db};
use crate::domain::ConversationStatus;
use crate::error::AppError;

pub const PAGE_SIZE: i64 = 25;

pub async fn page(
    db: &Db,
    viewer: Viewer,
    tab: Tab,
    status: ConversationStatus,
    after: Option<Cursor>,
    filter: ListFilter,
) -> Result<ConversationPage, AppError> {
    let sort = filter.sort;
    // Keyset: strictly after the cursor in (key, tie, id) order, which stays correct
    // when many conversations share a value. Parameters after the four fixed ones are
    // numbered as they are written, and bound in the same order below.
    let (key, tie) = match sort {
        ListSort::LastActivity => ("c.last_activity_at", None),
        ListSort::CreatedNewest | ListSort::CreatedOldest => ("c.created_at", None),
        ListSort::Waiting => ("COALESCE(c.waiting_since, 9223372036854775807)", None),
        ListSort::Priority => ("c.priority", Some("c.last_activity_at")),
    };
    let (cmp, dir) = if sort.ascending() {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    let mut next_param = 5;
    let mut param = || {
        next_param += 1;
        next_param - 1
    };
    // PostgreSQL starts an index range scan at a row-value comparison (the ORs make it
    // read from the top, so a page 400 deep cost 2-6x the first); SQLite's planner
    // does the opposite (a row value on the default order sorted the whole tab: 95 ms
    // instead of 0.8). Measured with `bench list` (BENCHMARKS.md, triage).
    let keyset = match (tie, db.backend) {
        (None, Backend::Postgres) => {
            let (k, i) = (param(), param());
            format!("({key}, c.id) {cmp} (${k}, ${i})")
        }
        (None, Backend::Sqlite) => {
            let (k, i) = (param(), param());
            format!("({key} {cmp} ${k} OR ({key} = ${k} AND c.id {cmp} ${i}))")
        }
        (Some(tie), Backend::Postgres) => {
            let (k, t, i) = (param(), param(), param());
            format!("({key}, {tie}, c.id) {cmp} (${k}, ${t}, ${i})")
        }
        (Some(tie), Backend::Sqlite) => {
            let (k, t, i) = (param(), param(), param());
            format!(
                "({key} {cmp} ${k} OR ({key} = ${k} AND ({tie} {cmp} ${t} OR ({tie} = ${t} AND c.id {cmp} ${i}))))"
            )
        }
    };
    let order = match tie {
        None => format!("{key} {dir}, c.id {dir}"),
        Some(tie) => format!("{key} {dir}, {tie} {dir}, c.id {dir}"),
    };
    let limit = param();
    let (conditions, args) = filter_conditions(tab, &filter, &mut param);
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND c.status = $4 {conditions} AND {keyset} \
         ORDER BY {order} LIMIT ${limit}"
    );
    let after = after.unwrap_or(sort.start());
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(status.as_str())
        .bind(after.key);
    if tie.is_some() {
        query = query.bind(after.tie);
    }
    query = query.bind(after.id).bind(PAGE_SIZE + 1);
    for arg in args {
        query = arg.bind(query);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut items = rows
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() as i64 > PAGE_SIZE {
        items.truncate(PAGE_SIZE as usize);
        items.last().map(|c| c.cursor(sort))
    } else {
        None
    };
    Ok(ConversationPage { items, next })
}

/// A value bound to one of [`filter_conditions`]' parameters.
pub enum Arg {
    Int(i64),
    Text(&'static str),
}

impl Arg {
    pub fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        }
    }
}

/// The tab's and the filter's conditions (each starting with `AND`), over the list
/// row's tables (`c`, `i`, and `r`, the viewer's read marker), with parameters
/// numbered by `param` and their values in the same order. `$2` is the viewer.
pub fn filter_conditions(
    tab: Tab,
    filter: &ListFilter,
    param: &mut impl FnMut() -> usize,
) -> (String, Vec<Arg>) {
    let mut conditions = match tab {
        Tab::Mine => "AND c.assignee_id = $2",
        Tab::Unassigned => "AND c.assignee_id IS NULL",
        Tab::All => "",
    }
    .to_owned();
    let mut args = Vec::new();
    if let Some(label) = filter.label_id {
        conditions.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = ${})",
            param()
        ));
        args.push(Arg::Int(label));
    }
    if let Some(priority) = filter.priority {
        conditions.push_str(&format!(" AND c.priority = ${}", param()));
        args.push(Arg::Int(priority.rank()));
    }
    if let Some(inbox) = filter.inbox_id {
        conditions.push_str(&format!(" AND c.inbox_id = ${}", param()));
        args.push(Arg::Int(inbox));
    }
    if let Some(channel) = filter.channel {
        conditions.push_str(&format!(" AND i.channel_kind = ${}", param()));
        args.push(Arg::Text(channel.as_str()));
    }
    if let Some(team) = filter.team_id {
        conditions.push_str(&format!(" AND c.team_id = ${}", param()));
        args.push(Arg::Int(team));
    }
    if let Some(assignee) = filter.assignee_id {
        conditions.push_str(&format!(" AND c.assignee_id = ${}", param()));
        args.push(Arg::Int(assignee));
    }
    if filter.waiting {
        conditions.push_str(" AND c.waiting_since IS NOT NULL");
    }
    if filter.unread {
        conditions.push_str(
            " AND c.incoming_count - COALESCE(r.read_incoming, 0) + COALESCE(r.marked_unread, 0) > 0",
        );
    }
    for (column, bound, value) in [
        ("c.created_at", ">=", filter.created_since),
        ("c.created_at", "<", filter.created_until),
        ("c.last_activity_at", ">=", filter.active_since),
        ("c.last_activity_at", "<", filter.active_until),
    ] {
        if let Some(value) = value {
            conditions.push_str(&format!(" AND {column} {bound} ${}", param()));
            args.push(Arg::Int(value));
        }
    }
    (conditions, args)
}

/// How many conversations a tab, status and filter hold for the viewer (a saved
/// folder's count), counting no further than `cap`.
pub async fn count(
    db: &Db,
    viewer: Viewer,
    tab: Tab,
    status: ConversationStatus,
    filter: &ListFilter,
    cap: i64,
) -> Result<i64, AppError> {
    let mut next_param = 5;
    let mut param = || {
        next_param += 1;
        next_param - 1
    };
    let (conditions, args) = filter_conditions(tab, filter, &mut param);
    let limit = param();
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 AS one FROM conversations c \
         JOIN inboxes i ON i.id = c.inbox_id \
         LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.agent_id = $2 \
         WHERE {VISIBLE} AND c.status = $4 {conditions} LIMIT ${limit}) capped"
    );
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(status.as_str());
    for arg in args {
        query = arg.bind(query);
    }
    query = query.bind(cap);
    Ok(query.fetch_one(&db.pool).await?.try_get(0)?)
}

/// The tab counts, summed from the tallies the database keeps (migration 0009), so
/// they cost a few rows per inbox rather than a count over every conversation.
pub async fn counts(
    db: &Db,
    viewer: Viewer,
    status: ConversationStatus,
) -> Result<TabCounts, AppError> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN t.assignee_id = $2 THEN t.total ELSE 0 END), 0) AS BIGINT) AS mine, \
         CAST(COALESCE(SUM(CASE WHEN t.assignee_id = 0 THEN t.total ELSE 0 END), 0) AS BIGINT) AS unassigned, \
         CAST(COALESCE(SUM(t.total), 0) AS BIGINT) AS total \
         FROM conversation_tallies t JOIN inboxes i ON i.id = t.inbox_id \
         WHERE i.account_id = $1 AND t.status = $4 AND ($3 = 1 OR t.inbox_id IN \
           (SELECT im.inbox_id FROM inbox_members im WHERE im.agent_id = $2))",
    )
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .bind(viewer.admin as i64)
    .bind(status.as_str())
    .fetch_one(&db.pool)
    .await?;
    Ok(TabCounts {
        mine: row.try_get("mine")?,
        unassigned: row.try_get("unassigned")?,
        all: row.try_get("total")?,
    })
}
