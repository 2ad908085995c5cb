//! The conversation list (keyset pages, newest activity first) and the tab counts.
use sqlx::Row;

use super::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use crate::conversations::model::{ConversationPage, Cursor, ListFilter, Tab, TabCounts};
use crate::db::Db;
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
    let mut tab_filter = match tab {
        Tab::Mine => "AND c.assignee_id = $2",
        Tab::Unassigned => "AND c.assignee_id IS NULL",
        Tab::All => "",
    }
    .to_owned();
    // Numbered after the seven fixed parameters, and bound in the same order below.
    let mut next_param = 8;
    if filter.label_id.is_some() {
        tab_filter.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = ${next_param})"
        ));
        next_param += 1;
    }
    if filter.priority.is_some() {
        tab_filter.push_str(&format!(" AND c.priority = ${next_param}"));
    }
    // Keyset: strictly after the cursor in (last_activity_at DESC, id DESC) order, which
    // stays correct when many conversations share a timestamp.
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND c.status = $4 {tab_filter} \
         AND (c.last_activity_at < $5 OR (c.last_activity_at = $5 AND c.id < $6)) \
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $7"
    );
    let after = after.unwrap_or(Cursor {
        last_activity_at: i64::MAX,
        id: i64::MAX,
    });
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(status.as_str())
        .bind(after.last_activity_at)
        .bind(after.id)
        .bind(PAGE_SIZE + 1);
    if let Some(label) = filter.label_id {
        query = query.bind(label);
    }
    if let Some(priority) = filter.priority {
        query = query.bind(priority.rank());
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut items = rows
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() as i64 > PAGE_SIZE {
        items.truncate(PAGE_SIZE as usize);
        items.last().map(|c| c.cursor())
    } else {
        None
    };
    Ok(ConversationPage { items, next })
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
