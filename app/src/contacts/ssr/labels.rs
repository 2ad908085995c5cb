//! A contact's labels: the account's labels, put on by any agent (contacts are
//! account-wide), checked in the write transaction like a conversation's.
use crate::contacts::model::ContactRow;
use crate::db::{now_ms, Db};
use crate::error::AppError;

/// The contact's label ids, ascending.
pub async fn of(db: &Db, contact_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT label_id FROM contact_labels WHERE contact_id = $1 ORDER BY label_id",
    )
    .bind(contact_id)
    .fetch_all(&db.pool)
    .await?)
}

/// Fills in the labels of a page of contacts, in one query.
pub async fn fill(db: &Db, rows: &mut [ContactRow]) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let placeholders = (1..=rows.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT contact_id, label_id FROM contact_labels WHERE contact_id IN ({placeholders}) ORDER BY label_id"
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
    for row in rows.iter() {
        query = query.bind(row.id);
    }
    for (contact, label) in query.fetch_all(&db.pool).await? {
        if let Some(row) = rows.iter_mut().find(|r| r.id == contact) {
            row.label_ids.push(label);
        }
    }
    Ok(())
}

/// Puts exactly these labels on a contact of the account; an unknown label refuses
/// the change as a whole.
pub async fn set(
    db: &Db,
    account_id: i64,
    contact_id: i64,
    label_ids: &[i64],
) -> Result<Vec<i64>, AppError> {
    let mut wanted = label_ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.len() > crate::labels::model::MAX_PER_ITEM {
        return Err(AppError::validation("labels", "too_many"));
    }
    let mut tx = db.begin_write().await?;
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM contacts WHERE id = $1 AND account_id = $2")
            .bind(contact_id)
            .bind(account_id)
            .fetch_optional(tx.conn())
            .await?;
    if found.is_none() {
        return Err(AppError::NotFound);
    }
    let known = crate::labels::ssr::existing_in_tx(&mut tx, account_id, &wanted).await?;
    if known.len() != wanted.len() {
        return Err(AppError::validation("labels", "invalid"));
    }
    sqlx::query("DELETE FROM contact_labels WHERE contact_id = $1")
        .bind(contact_id)
        .execute(tx.conn())
        .await?;
    let now = now_ms();
    for label in &wanted {
        sqlx::query(
            "INSERT INTO contact_labels (contact_id, label_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(contact_id)
        .bind(label)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    tx.finish().await?;
    Ok(wanted)
}
