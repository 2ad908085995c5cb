//! The rules' order: a rule moves one place up or down by trading positions with its
//! neighbour, in one transaction (positions are renumbered 1… first, so rules saved
//! with equal positions still move).
use crate::automation::model::AutomationRule;
use crate::db::Db;
use crate::error::AppError;

pub async fn move_rule(
    db: &Db,
    account_id: i64,
    id: i64,
    up: bool,
) -> Result<Vec<AutomationRule>, AppError> {
    let mut tx = db.begin_write().await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, position FROM automation_rules WHERE account_id = $1 ORDER BY position, id",
    )
    .bind(account_id)
    .fetch_all(tx.conn())
    .await?;
    let ids: Vec<i64> = rows.iter().map(|&(id, _)| id).collect();
    let at = ids
        .iter()
        .position(|&r| r == id)
        .ok_or(AppError::NotFound)?;
    let to = if up { at.checked_sub(1) } else { Some(at + 1) };
    let mut order = ids.clone();
    if let Some(to) = to.filter(|&t| t < ids.len()) {
        order.swap(at, to);
    }
    for (place, rule) in order.iter().enumerate() {
        let position = i64::try_from(place).unwrap_or(i64::MAX) + 1;
        if rows.iter().any(|&(r, p)| r == *rule && p == position) {
            continue;
        }
        sqlx::query("UPDATE automation_rules SET position = $1 WHERE id = $2")
            .bind(position)
            .bind(rule)
            .execute(tx.conn())
            .await?;
    }
    tx.finish().await?;
    super::store::list(db, account_id).await
}
