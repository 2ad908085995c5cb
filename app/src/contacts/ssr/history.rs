//! A contact's conversations, newest activity first, in keyset pages, limited to the
//! inboxes the viewer can see (administrators: all).
use crate::contacts::model::HistoryCursor;
use crate::conversations::model::ConversationSummary;
use crate::conversations::ssr::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use crate::db::Db;
use crate::error::AppError;

pub const HISTORY_PAGE: i64 = 20;

pub async fn page(
    db: &Db,
    viewer: Viewer,
    contact_id: i64,
    after: Option<HistoryCursor>,
) -> Result<(Vec<ConversationSummary>, Option<HistoryCursor>), AppError> {
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND c.contact_id = $4 \
         AND (c.last_activity_at < $5 OR (c.last_activity_at = $5 AND c.id < $6)) \
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $7"
    );
    let after = after.unwrap_or(HistoryCursor {
        last_activity_at: i64::MAX,
        id: i64::MAX,
    });
    let rows = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(contact_id)
        .bind(after.last_activity_at)
        .bind(after.id)
        .bind(HISTORY_PAGE + 1)
        .fetch_all(&db.pool)
        .await?;
    let mut items = rows
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() as i64 > HISTORY_PAGE {
        items.truncate(HISTORY_PAGE as usize);
        items.last().map(|c| HistoryCursor {
            last_activity_at: c.last_activity_at,
            id: c.id,
        })
    } else {
        None
    };
    Ok((items, next))
}
