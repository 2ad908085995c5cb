//! Notes on a contact: any agent of the account reads and writes them (contacts are
//! account-wide); the author changes her own; the author or an administrator deletes.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::agents::model::AgentProfile;
use crate::contacts::model::{note_body, ContactNote};
use crate::db::{now_ms, Db};
use crate::error::AppError;

const SELECT: &str = "SELECT n.id, n.contact_id, n.body, n.agent_id, \
     COALESCE(NULLIF(a.display_name, ''), a.name) AS author_name, n.created_at, n.updated_at \
     FROM contact_notes n LEFT JOIN agents a ON a.id = n.agent_id";

fn note_from_row(row: &AnyRow, viewer: &AgentProfile) -> Result<ContactNote, sqlx::Error> {
    let author_id: Option<i64> = row.try_get("agent_id")?;
    Ok(ContactNote {
        id: row.try_get("id")?,
        contact_id: row.try_get("contact_id")?,
        body: row.try_get("body")?,
        author_id,
        author_name: row.try_get("author_name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        can_remove: author_id == Some(viewer.id) || viewer.role.is_admin(),
    })
}

/// The contact, if it is the account's (else not found).
async fn check_contact(db: &Db, account_id: i64, contact_id: i64) -> Result<(), AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM contacts WHERE id = $1 AND account_id = $2")
            .bind(contact_id)
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// The contact's notes, the latest first.
pub async fn list(
    db: &Db,
    viewer: &AgentProfile,
    contact_id: i64,
) -> Result<Vec<ContactNote>, AppError> {
    check_contact(db, viewer.account_id, contact_id).await?;
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE n.contact_id = $1 AND n.account_id = $2 ORDER BY n.id DESC"
    ))
    .bind(contact_id)
    .bind(viewer.account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|row| note_from_row(row, viewer))
        .collect::<Result<_, _>>()?)
}

/// One note of the contact.
pub async fn get(
    db: &Db,
    viewer: &AgentProfile,
    contact_id: i64,
    id: i64,
) -> Result<ContactNote, AppError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE n.id = $1 AND n.contact_id = $2 AND n.account_id = $3"
    ))
    .bind(id)
    .bind(contact_id)
    .bind(viewer.account_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(note_from_row(&row, viewer)?)
}

/// Writes a note on the contact as the viewer.
pub async fn add(
    db: &Db,
    viewer: &AgentProfile,
    contact_id: i64,
    body: &str,
) -> Result<ContactNote, AppError> {
    let body = note_body(body).map_err(|code| AppError::validation("content", code))?;
    check_contact(db, viewer.account_id, contact_id).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contact_notes (account_id, contact_id, agent_id, body, created_at, updated_at) \
         SELECT $1, id, $3, $4, $5, $5 FROM contacts WHERE id = $2 AND account_id = $1 RETURNING id",
    )
    .bind(viewer.account_id)
    .bind(contact_id)
    .bind(viewer.id)
    .bind(&body)
    .bind(now)
    .fetch_optional(tx.conn())
    .await?
    // Deleted since the check.
    .ok_or(AppError::NotFound)?;
    tx.finish().await?;
    get(db, viewer, contact_id, id).await
}

/// Changes the text of one of the viewer's own notes.
pub async fn update(
    db: &Db,
    viewer: &AgentProfile,
    contact_id: i64,
    id: i64,
    body: &str,
) -> Result<ContactNote, AppError> {
    let body = note_body(body).map_err(|code| AppError::validation("content", code))?;
    let note = get(db, viewer, contact_id, id).await?;
    if note.author_id != Some(viewer.id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE contact_notes SET body = $1, updated_at = $2 WHERE id = $3")
        .bind(&body)
        .bind(now_ms())
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    get(db, viewer, contact_id, id).await
}

/// Deletes a note: its author's or any, for an administrator.
pub async fn remove(
    db: &Db,
    viewer: &AgentProfile,
    contact_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let note = get(db, viewer, contact_id, id).await?;
    if !note.can_remove {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM contact_notes WHERE id = $1")
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(())
}
