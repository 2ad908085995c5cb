//! The labels' repository: the one owner of `labels`. A change tells every open
//! dashboard of the account to reload its list of labels (`LabelsChanged`).
use sqlx::Row;

use super::model::{parse_color, parse_description, parse_name, Label};
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

pub struct LabelInput<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub color: &'a str,
}

fn label_from_row(row: &sqlx::any::AnyRow) -> Result<Label, sqlx::Error> {
    Ok(Label {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        color: row.try_get("color")?,
    })
}

pub async fn list(db: &Db, account_id: i64) -> Result<Vec<Label>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, description, color FROM labels WHERE account_id = $1 ORDER BY name",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(label_from_row)
        .collect::<Result<_, sqlx::Error>>()?)
}

/// The ids among `ids` that are labels of this account, in a write transaction (so a
/// label removed meanwhile is not put on a conversation).
pub async fn existing_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM labels WHERE account_id = $1 AND id IN ({})",
        crate::db::placeholders(2, ids.len())
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(account_id);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(tx.conn()).await
}

pub async fn save(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    id: Option<i64>,
    input: LabelInput<'_>,
) -> Result<Label, AppError> {
    let name = parse_name(input.name).map_err(|c| AppError::validation("name", c))?;
    let description =
        parse_description(input.description).map_err(|c| AppError::validation("description", c))?;
    let color = parse_color(input.color).map_err(|c| AppError::validation("color", c))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM labels WHERE account_id = $1 AND name = $2 AND id <> $3",
    )
    .bind(account_id)
    .bind(&name)
    .bind(id.unwrap_or(0))
    .fetch_optional(tx.conn())
    .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            field: "name".into(),
        });
    }
    let id: i64 = match id {
        None => sqlx::query(
            "INSERT INTO labels (account_id, name, description, color, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(account_id)
        .bind(&name)
        .bind(&description)
        .bind(&color)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get("id")?,
        Some(id) => {
            let done = sqlx::query(
                "UPDATE labels SET name = $1, description = $2, color = $3, updated_at = $4 \
                 WHERE id = $5 AND account_id = $6",
            )
            .bind(&name)
            .bind(&description)
            .bind(&color)
            .bind(now)
            .bind(id)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    tx.append_event(
        account_id,
        EventScope::default(),
        LiveEvent::LabelsChanged {},
    )
    .await?;
    hub.commit(tx).await?;
    Ok(Label {
        id,
        name,
        description,
        color,
    })
}

pub async fn remove(db: &Db, hub: &Hub, account_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM labels WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.append_event(
        account_id,
        EventScope::default(),
        LiveEvent::LabelsChanged {},
    )
    .await?;
    hub.commit(tx).await?;
    Ok(())
}
