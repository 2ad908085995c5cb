//! The custom attributes' repository: the one owner of `custom_attribute_definitions`,
//! and the one place values are checked against them (contacts and conversations store
//! what [`apply_in_tx`] returns, in their own transactions).
mod values;

pub use values::{apply_in_tx, check, read_values, Change};

/// What a read that is merged and written back takes: the row's lock on PostgreSQL
/// (on SQLite the write turn already holds every writer off).
pub fn row_lock(backend: crate::db::Backend) -> &'static str {
    match backend {
        crate::db::Backend::Postgres => " FOR UPDATE",
        crate::db::Backend::Sqlite => "",
    }
}

use sqlx::Row;

use super::model::{
    is_standard_key, parse_description, parse_display_name, parse_key, parse_list_values,
    AttributeDefinition, AttributeModel, AttributeType,
};
use crate::db::{now_ms, Db};
use crate::error::AppError;

/// What an administrator (or an API client) sends. On a change, the key and the model
/// stay as they were (values are stored under the key), as in Chatwoot.
pub struct DefinitionInput<'a> {
    pub model: AttributeModel,
    pub key: &'a str,
    pub display_name: &'a str,
    pub display_type: AttributeType,
    pub description: &'a str,
    pub values: &'a [String],
}

const COLUMNS: &str =
    "id, model, attribute_key, display_name, display_type, description, list_values, created_at, updated_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<AttributeDefinition, sqlx::Error> {
    let model: String = row.try_get("model")?;
    let display_type: String = row.try_get("display_type")?;
    let values: String = row.try_get("list_values")?;
    Ok(AttributeDefinition {
        id: row.try_get("id")?,
        model: AttributeModel::from_key(&model).unwrap_or(AttributeModel::Contact),
        key: row.try_get("attribute_key")?,
        display_name: row.try_get("display_name")?,
        display_type: AttributeType::from_key(&display_type).unwrap_or(AttributeType::Text),
        description: row.try_get("description")?,
        values: serde_json::from_str(&values).unwrap_or_default(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The account's attributes (of one model, or all), contacts' first, by name.
pub async fn list(
    db: &Db,
    account_id: i64,
    model: Option<AttributeModel>,
) -> Result<Vec<AttributeDefinition>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(list_on(&mut conn, account_id, model).await?)
}

pub(super) async fn list_on(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    model: Option<AttributeModel>,
) -> Result<Vec<AttributeDefinition>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_attribute_definitions WHERE account_id = $1 \
         AND ($2 = '' OR model = $2) ORDER BY model, display_name, id"
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .bind(model.map_or("", AttributeModel::key))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get(db: &Db, account_id: i64, id: i64) -> Result<AttributeDefinition, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_attribute_definitions WHERE id = $1 AND account_id = $2"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(from_row(&row)?)
}

/// Creates (`id: None`) or changes an attribute. A key taken in the same model is a
/// conflict on `key`.
pub async fn save(
    db: &Db,
    account_id: i64,
    id: Option<i64>,
    input: DefinitionInput<'_>,
) -> Result<AttributeDefinition, AppError> {
    let display_name = parse_display_name(input.display_name)
        .map_err(|c| AppError::validation("display_name", c))?;
    let description =
        parse_description(input.description).map_err(|c| AppError::validation("description", c))?;
    let values = parse_list_values(input.display_type, input.values)
        .map_err(|c| AppError::validation("values", c))?;
    let list_values = serde_json::to_string(&values).map_err(|_| AppError::Internal)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        None => {
            let key = parse_key(input.key).map_err(|c| AppError::validation("key", c))?;
            if is_standard_key(input.model, &key) {
                return Err(AppError::validation("key", "reserved"));
            }
            let taken: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM custom_attribute_definitions \
                 WHERE account_id = $1 AND model = $2 AND attribute_key = $3",
            )
            .bind(account_id)
            .bind(input.model.key())
            .bind(&key)
            .fetch_optional(tx.conn())
            .await?;
            if taken.is_some() {
                return Err(AppError::Conflict {
                    field: "key".into(),
                });
            }
            sqlx::query(
                "INSERT INTO custom_attribute_definitions (account_id, model, attribute_key, \
                 display_name, display_type, description, list_values, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(account_id)
            .bind(input.model.key())
            .bind(&key)
            .bind(&display_name)
            .bind(input.display_type.key())
            .bind(&description)
            .bind(&list_values)
            .bind(now)
            .fetch_one(tx.conn())
            .await
            .map_err(|err| match &err {
                // Another request took the key between the check and the insert.
                sqlx::Error::Database(db) if db.is_unique_violation() => AppError::Conflict {
                    field: "key".into(),
                },
                _ => err.into(),
            })?
            .try_get("id")?
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE custom_attribute_definitions SET display_name = $1, display_type = $2, \
                 description = $3, list_values = $4, updated_at = $5 WHERE id = $6 AND account_id = $7",
            )
            .bind(&display_name)
            .bind(input.display_type.key())
            .bind(&description)
            .bind(&list_values)
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
    tx.finish().await?;
    get(db, account_id, id).await
}

/// Deletes an attribute's definition. Values stored under its key stay on contacts and
/// conversations (an API client may still read them), as in Chatwoot.
pub async fn remove(db: &Db, account_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("DELETE FROM custom_attribute_definitions WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}
