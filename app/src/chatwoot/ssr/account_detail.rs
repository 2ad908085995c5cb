//! The account itself through the API: its name and time zone, what Charla keeps of
//! it; any agent reads them, administrators change them.
use serde_json::{json, Value};
use sqlx::Row;

use super::body::{field, fields};
use super::Caller;
use crate::auth::permission::require_admin;
use crate::chatwoot::model as cw;
use crate::domain::name::clean_name;
use crate::error::AppError;

pub async fn show(caller: &Caller<'_>) -> Result<cw::AccountDetail, AppError> {
    let account = caller.agent.account_id;
    let row = sqlx::query("SELECT name, time_zone, created_at FROM accounts WHERE id = $1")
        .bind(account)
        .fetch_optional(&caller.db().pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let created: i64 = row.try_get("created_at")?;
    Ok(cw::AccountDetail {
        id: account,
        name: row.try_get("name")?,
        locale: "es",
        domain: None,
        support_email: None,
        status: "active",
        created_at: jiff::Timestamp::from_millisecond(created)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        cache_keys: json!({}),
        features: Vec::new(),
        settings: json!({
            "auto_resolve_after": null,
            "auto_resolve_message": null,
            "auto_resolve_ignore_waiting": null,
        }),
        custom_attributes: json!({"timezone": row.try_get::<String, _>("time_zone")?}),
    })
}

/// `PATCH`: `name` and `timezone` (at the top, or wrapped as `{"account": {…}}`), in
/// one transaction; a refused value changes nothing. Fields Charla has no use for are ignored.
pub async fn update(caller: &Caller<'_>, body: &Value) -> Result<cw::AccountDetail, AppError> {
    require_admin(caller.agent)?;
    let fields = fields(body, "account")?;
    let name = field::<String>(fields, "name")?
        .map(|n| clean_name(&n, "name"))
        .transpose()?;
    let zone = field::<String>(fields, "timezone")?;
    let zone = zone
        .as_deref()
        .map(crate::reports::ssr::check_time_zone)
        .transpose()
        .map_err(|e| super::account::rename_field(e, "time_zone", "timezone"))?;
    let account = caller.agent.account_id;
    let mut tx = caller.db().begin_write().await?;
    for (column, value) in [("name", name.as_deref()), ("time_zone", zone)] {
        if let Some(value) = value {
            // The column is one of the two above, never the caller's text.
            sqlx::query(&format!("UPDATE accounts SET {column} = $1 WHERE id = $2"))
                .bind(value)
                .bind(account)
                .execute(tx.conn())
                .await?;
        }
    }
    tx.finish().await?;
    show(caller).await
}
