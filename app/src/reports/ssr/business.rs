//! Durations counted in business hours: a worker fills `report_events.business_value`
//! for new rows with their inbox's hours as they are when it runs (a few seconds after
//! the event). Every replica may run it: the write is the same whoever makes it.
use std::collections::HashMap;

use sqlx::Row;

use crate::db::Db;
use crate::domain::business_hours::BusinessHours;
use crate::error::AppError;
use crate::inboxes::ssr::business_hours::{business_seconds, hours_of};

/// Rows per round; a backlog takes several rounds.
const PER_ROUND: i64 = 500;

/// Fills one round of rows; how many were filled.
pub async fn fill(db: &Db) -> Result<usize, AppError> {
    let rows = sqlx::query(
        "SELECT id, inbox_id, started_at, at, value FROM report_events \
         WHERE business_value IS NULL ORDER BY id LIMIT $1",
    )
    .bind(PER_ROUND)
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut hours: HashMap<i64, BusinessHours> = HashMap::new();
    let mut values = Vec::with_capacity(rows.len());
    let mut conn = db.pool.acquire().await?;
    for row in &rows {
        let (id, inbox_id): (i64, i64) = (row.try_get("id")?, row.try_get("inbox_id")?);
        let (start, end, value): (i64, i64, i64) = (
            row.try_get("started_at")?,
            row.try_get("at")?,
            row.try_get("value")?,
        );
        if let std::collections::hash_map::Entry::Vacant(slot) = hours.entry(inbox_id) {
            slot.insert(
                hours_of(&mut conn, None, inbox_id)
                    .await?
                    .unwrap_or_default(),
            );
        }
        let counted = match (value, hours.get(&inbox_id)) {
            (0, _) | (_, None) => value,
            (_, Some(h)) if !h.enabled => value,
            (_, Some(h)) => business_seconds(h, start, end).min(value),
        };
        values.push((id, counted));
    }
    drop(conn);
    let mut tx = db.begin_write().await?;
    for (id, counted) in &values {
        sqlx::query("UPDATE report_events SET business_value = $1 WHERE id = $2")
            .bind(counted)
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    tx.finish().await?;
    Ok(values.len())
}

/// Fills every row waiting (tests and the benchmark, which cannot wait for the worker).
pub async fn fill_all(db: &Db) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        match fill(db).await? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}
