//! A contact's custom attribute values: checked against the account's definitions and
//! stored with the contact's change event (webhooks' `contact_updated`). Contacts are
//! account-wide: any agent may fill them in, as their other fields. The row is read
//! locked (PostgreSQL; SQLite has one writer): two agents' changes both stay.
use crate::attributes::model::{AttributeModel, AttributeValues};
use crate::attributes::ssr::{apply_in_tx, read_values, row_lock, Change};
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;
use crate::live::hub::Hub;

use super::changed::contact_changed_in_tx;

/// Changes a contact's values; `NotFound` for another account's contact.
pub async fn set(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    contact_id: i64,
    change: Change,
) -> Result<AttributeValues, AppError> {
    let mut tx = db.begin_write().await?;
    let (values, changed) = set_in_tx(&mut tx, account_id, contact_id, change).await?;
    if changed {
        contact_changed_in_tx(&mut tx, account_id, contact_id, false).await?;
    }
    hub.commit(tx).await?;
    Ok(values)
}

/// The same inside a caller's transaction (a contact created or updated with its
/// values through the API), which appends the contact's one change event: the values
/// and whether they changed.
pub async fn set_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact_id: i64,
    change: Change,
) -> Result<(AttributeValues, bool), AppError> {
    let sql = format!(
        "SELECT custom_attributes FROM contacts WHERE id = $1 AND account_id = $2{}",
        row_lock(tx.backend)
    );
    let stored: String = sqlx::query_scalar(&sql)
        .bind(contact_id)
        .bind(account_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let current = read_values(&stored);
    let values = apply_in_tx(
        tx,
        account_id,
        AttributeModel::Contact,
        current.clone(),
        change,
    )
    .await?;
    let changed = values != current;
    if changed {
        let text = serde_json::Value::Object(values.clone()).to_string();
        sqlx::query("UPDATE contacts SET custom_attributes = $1, updated_at = $2 WHERE id = $3")
            .bind(&text)
            .bind(now_ms())
            .bind(contact_id)
            .execute(tx.conn())
            .await?;
    }
    Ok((values, changed))
}
