//! Saved folders: an agent's own, stored with the list's filter as JSON, counted
//! with the list's own conditions.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::access::Viewer;
use super::list::count;
use crate::conversations::model::{
    folder_name, FolderCount, ListFilter, SavedFolder, Tab, FOLDERS_MAX, FOLDER_COUNT_SHOWN,
};
use crate::db::{now_ms, Db};
use crate::domain::ConversationStatus;
use crate::error::AppError;

fn folder_from_row(row: &AnyRow) -> Result<SavedFolder, sqlx::Error> {
    let tab: String = row.try_get("tab")?;
    let status: String = row.try_get("status")?;
    let filter: String = row.try_get("filter")?;
    Ok(SavedFolder {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        tab: Tab::parse_or_mine(&tab),
        status: ConversationStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(status.into()))?,
        // A filter written by an older version reads with its missing fields at their
        // defaults.
        filter: serde_json::from_str(&filter).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

/// The agent's folders, by name.
pub async fn list(db: &Db, viewer: Viewer) -> Result<Vec<SavedFolder>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, tab, status, filter FROM saved_folders \
         WHERE account_id = $1 AND agent_id = $2 ORDER BY name, id",
    )
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(folder_from_row)
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Each folder's count, as the list would show it now (up to "99+"), the folders
/// counted side by side on the pool.
pub async fn counts(db: &Db, viewer: Viewer) -> Result<Vec<FolderCount>, AppError> {
    let folders = list(db, viewer).await?;
    let counted = futures::future::try_join_all(folders.iter().map(|folder| async move {
        let n = count(
            db,
            viewer,
            folder.tab,
            folder.status,
            &folder.filter,
            FOLDER_COUNT_SHOWN + 1,
        )
        .await?;
        Ok::<_, AppError>(FolderCount {
            id: folder.id,
            count: n,
        })
    }))
    .await?;
    Ok(counted)
}

/// Saves the current view under a name. The filter's label, inbox and assignee must
/// be ones the agent can name; a name she already uses is a conflict.
pub async fn save(
    db: &Db,
    viewer: Viewer,
    name: &str,
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> Result<SavedFolder, AppError> {
    let name = folder_name(name).map_err(|c| AppError::validation("name", c))?;
    check_references(db, viewer, &filter).await?;
    let filter_json = serde_json::to_string(&filter).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    let existing: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM saved_folders WHERE account_id = $1 AND agent_id = $2",
    )
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .fetch_all(tx.conn())
    .await?;
    if existing
        .iter()
        .any(|n| n.to_lowercase() == name.to_lowercase())
    {
        return Err(AppError::Conflict {
            field: "name".into(),
        });
    }
    if existing.len() >= FOLDERS_MAX {
        return Err(AppError::validation("folders", "too_many"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO saved_folders (account_id, agent_id, name, tab, status, filter, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .bind(&name)
    .bind(tab.as_str())
    .bind(status.as_str())
    .bind(&filter_json)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(SavedFolder {
        id,
        name,
        tab,
        status,
        filter,
    })
}

/// Deletes one of the agent's folders; someone else's is not found.
pub async fn remove(db: &Db, viewer: Viewer, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "DELETE FROM saved_folders WHERE id = $1 AND account_id = $2 AND agent_id = $3",
    )
    .bind(id)
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// A filter may only name this account's labels and agents, and inboxes the viewer
/// works in.
async fn check_references(db: &Db, viewer: Viewer, filter: &ListFilter) -> Result<(), AppError> {
    if let Some(label) = filter.label_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM labels WHERE id = $1 AND account_id = $2")
                .bind(label)
                .bind(viewer.account_id)
                .fetch_optional(&db.pool)
                .await?;
        if found.is_none() {
            return Err(AppError::validation("label", "invalid"));
        }
    }
    if let Some(inbox) = filter.inbox_id {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT i.id FROM inboxes i WHERE i.id = $1 AND i.account_id = $2 AND ($3 = 1 OR \
             i.id IN (SELECT im.inbox_id FROM inbox_members im WHERE im.agent_id = $4))",
        )
        .bind(inbox)
        .bind(viewer.account_id)
        .bind(viewer.admin as i64)
        .bind(viewer.agent_id)
        .fetch_optional(&db.pool)
        .await?;
        if found.is_none() {
            return Err(AppError::validation("inbox", "invalid"));
        }
    }
    if let Some(team) = filter.team_id {
        let mut conn = db.pool.acquire().await?;
        if !crate::teams::ssr::exists(&mut conn, viewer.account_id, team).await? {
            return Err(AppError::validation("team", "invalid"));
        }
    }
    if let Some(assignee) = filter.assignee_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agents WHERE id = $1 AND account_id = $2")
                .bind(assignee)
                .bind(viewer.account_id)
                .fetch_optional(&db.pool)
                .await?;
        if found.is_none() {
            return Err(AppError::validation("assignee", "invalid"));
        }
    }
    Ok(())
}
