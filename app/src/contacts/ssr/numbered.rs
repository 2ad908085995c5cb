//! Contacts by page number and by ids, for the Chatwoot-compatible API: the listed
//! contacts are those with an email or a phone, as in Contactos (S9).
use sqlx::Row;

use super::store::{row_from, CONTACT_COLUMNS};
use crate::contacts::model::ContactRow;
use crate::db::{placeholders, Db};
use crate::error::AppError;

/// A column the list may be sorted by, ascending or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortBy {
    column: &'static str,
    descending: bool,
}

impl SortBy {
    /// Chatwoot's `sort` (`name`, `-last_activity_at`…); unknown keys are `None`.
    pub fn parse(key: &str) -> Option<SortBy> {
        let (descending, name) = match key.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, key),
        };
        let column = match name {
            "name" => "c.sort_name",
            "email" => "c.email",
            "phone_number" => "c.phone_e164",
            "last_activity_at" => "c.last_activity_at",
            "created_at" => "c.created_at",
            "company_name" => "c.company",
            _ => return None,
        };
        Some(SortBy { column, descending })
    }
}

impl Default for SortBy {
    /// Most recent activity first.
    fn default() -> Self {
        SortBy {
            column: "c.last_activity_at",
            descending: true,
        }
    }
}

/// Page `page` (from 1) of `per_page` listed contacts, and how many there are.
pub async fn page(
    db: &Db,
    account_id: i64,
    sort: SortBy,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ContactRow>, i64), AppError> {
    const LISTED: &str = "c.account_id = $1 AND (c.email IS NOT NULL OR c.phone_e164 IS NOT NULL)";
    let dir = if sort.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE {LISTED} \
         ORDER BY {} {dir}, c.id {dir} LIMIT $2 OFFSET $3",
        sort.column
    );
    let rows = sqlx::query(&sql)
        .bind(account_id)
        .bind(per_page)
        .bind((page.max(1) - 1).saturating_mul(per_page))
        .fetch_all(&db.pool)
        .await?;
    let total: i64 = sqlx::query(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM contacts c WHERE {LISTED}"
    ))
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?
    .try_get(0)?;
    let items = rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?;
    Ok((items, total))
}

/// The account's contacts with these ids (any order; unknown ids are left out).
pub async fn many(db: &Db, account_id: i64, ids: &[i64]) -> Result<Vec<ContactRow>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.account_id = $1 AND c.id IN ({})",
        placeholders(2, ids.len())
    );
    let mut query = sqlx::query(&sql).bind(account_id);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&db.pool).await?;
    Ok(rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?)
}
