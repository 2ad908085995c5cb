//! Chatwoot's custom filters (`/custom_filters`): an agent's own saved queries of the
//! conversation filter, the contact filter or a report. Chatwoot's mobile app lists
//! its folders from here and runs each through `conversations/filter`, so a query is
//! kept exactly as sent; a conversation or contact query must have the filter's shape
//! (`{"payload": [conditions]}`) so that it can be run back.
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::body::{field, fields};
use super::Caller;
use crate::chatwoot::model as cw;
use crate::db::now_ms;
use crate::error::AppError;
use crate::ui::time::iso_instant;

/// Charla's limit per agent: a folder list on a phone, not a store (older Chatwoot
/// versions kept 50 too; newer ones allow more).
pub const FILTERS_MAX: i64 = 50;
/// Longest name, in characters.
const NAME_MAX: usize = 255;
/// Largest query kept, in bytes of JSON: many conditions fit, a document does not.
const QUERY_MAX: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterType {
    Conversation,
    Contact,
    Report,
}

impl FilterType {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterType::Conversation => "conversation",
            FilterType::Contact => "contact",
            FilterType::Report => "report",
        }
    }

    /// Chatwoot's name, or its number in Chatwoot's enum (0, 1, 2).
    pub fn parse(sent: &Value) -> Option<FilterType> {
        match sent {
            Value::String(text) => match text.trim() {
                "conversation" | "0" => Some(FilterType::Conversation),
                "contact" | "1" => Some(FilterType::Contact),
                "report" | "2" => Some(FilterType::Report),
                _ => None,
            },
            Value::Number(n) => match n.as_i64()? {
                0 => Some(FilterType::Conversation),
                1 => Some(FilterType::Contact),
                2 => Some(FilterType::Report),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The `filter_type` of a list; Chatwoot lists conversation filters when it is left out.
pub fn type_filter(sent: Option<&str>) -> Result<FilterType, AppError> {
    match sent.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(FilterType::Conversation),
        Some(text) => FilterType::parse(&Value::String(text.to_owned()))
            .ok_or_else(|| AppError::validation("filter_type", "invalid")),
    }
}

fn shape(row: &AnyRow) -> Result<cw::CustomFilter, AppError> {
    let kind: String = row.try_get("filter_type")?;
    let query: String = row.try_get("query")?;
    Ok(cw::CustomFilter {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        filter_type: FilterType::parse(&Value::String(kind))
            .ok_or(AppError::Internal)?
            .as_str(),
        query: serde_json::from_str(&query).map_err(|_| AppError::Internal)?,
        created_at: iso_instant(row.try_get("created_at")?),
        updated_at: iso_instant(row.try_get("updated_at")?),
    })
}

const SELECT: &str =
    "SELECT id, name, filter_type, query, created_at, updated_at FROM custom_filters";

/// The caller's filters of one type, oldest first.
pub async fn list(
    caller: &Caller<'_>,
    kind: FilterType,
) -> Result<Vec<cw::CustomFilter>, AppError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE account_id = $1 AND agent_id = $2 AND filter_type = $3 ORDER BY id"
    ))
    .bind(caller.agent.account_id)
    .bind(caller.agent.id)
    .bind(kind.as_str())
    .fetch_all(&caller.db().pool)
    .await?;
    rows.iter().map(shape).collect()
}

/// One of the caller's filters; another agent's is not found.
pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::CustomFilter, AppError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE id = $1 AND account_id = $2 AND agent_id = $3"
    ))
    .bind(id)
    .bind(caller.agent.account_id)
    .bind(caller.agent.id)
    .fetch_optional(&caller.db().pool)
    .await?
    .ok_or(AppError::NotFound)?;
    shape(&row)
}

/// A name as kept: trimmed, present, at most [`NAME_MAX`] characters.
fn name_of(sent: &str) -> Result<String, AppError> {
    let name = sent.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", "required"));
    }
    if name.contains('\0') {
        return Err(AppError::validation("name", "invalid"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::validation("name", "too_long"));
    }
    Ok(name.to_owned())
}

/// A query as kept: an object, of the filter's shape for conversations and contacts,
/// at most [`QUERY_MAX`] bytes.
fn query_of(sent: &Value, kind: FilterType) -> Result<String, AppError> {
    let invalid = || AppError::validation("query", "invalid");
    if !sent.is_object() {
        return Err(invalid());
    }
    if kind != FilterType::Report {
        let body: cw::FilterBody = serde_json::from_value(sent.clone()).map_err(|_| invalid())?;
        if sent.get("payload").is_none() || body.payload.is_empty() {
            return Err(AppError::validation("query", "required"));
        }
    }
    let text = serde_json::to_string(sent).map_err(|_| AppError::Internal)?;
    if text.len() > QUERY_MAX {
        return Err(AppError::validation("query", "too_long"));
    }
    Ok(text)
}

/// Creates (`id: None`) or changes one of the caller's filters from Chatwoot's fields
/// (bare or under `custom_filter`; the type as `filter_type` or `type`). On a change a
/// field left out keeps its value; a new type needs a query of its shape.
pub async fn save(
    caller: &Caller<'_>,
    id: Option<i64>,
    body: &Value,
) -> Result<cw::CustomFilter, AppError> {
    let fields = fields(body, "custom_filter")?;
    let current = match id {
        Some(id) => Some(get(caller, id).await?),
        None => None,
    };
    let sent_type = fields.get("filter_type").or_else(|| fields.get("type"));
    let kind = match (sent_type.filter(|v| !v.is_null()), &current) {
        (Some(sent), _) => {
            FilterType::parse(sent).ok_or_else(|| AppError::validation("filter_type", "invalid"))?
        }
        (None, Some(current)) => FilterType::parse(&Value::String(current.filter_type.into()))
            .ok_or(AppError::Internal)?,
        (None, None) => FilterType::Conversation,
    };
    let name = match (field::<String>(fields, "name")?, &current) {
        (Some(sent), _) => name_of(&sent)?,
        (None, Some(current)) => current.name.clone(),
        (None, None) => return Err(AppError::validation("name", "required")),
    };
    let query = match (fields.get("query").filter(|v| !v.is_null()), &current) {
        (Some(sent), _) => query_of(sent, kind)?,
        (None, Some(current)) => query_of(&current.query, kind)?,
        (None, None) => return Err(AppError::validation("query", "required")),
    };
    let (account, agent) = (caller.agent.account_id, caller.agent.id);
    let now = now_ms();
    let mut tx = caller.db().begin_write().await?;
    let id = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE custom_filters SET name = $1, filter_type = $2, query = $3, \
                 updated_at = $4 WHERE id = $5 AND account_id = $6 AND agent_id = $7",
            )
            .bind(&name)
            .bind(kind.as_str())
            .bind(&query)
            .bind(now)
            .bind(id)
            .bind(account)
            .bind(agent)
            .execute(tx.conn())
            .await?;
            id
        }
        None => {
            // Her agent row, locked on PostgreSQL, makes two creations at once count
            // one after the other.
            sqlx::query(&format!(
                "SELECT id FROM agents WHERE id = $1{}",
                crate::attributes::ssr::row_lock(caller.db().backend)
            ))
            .bind(agent)
            .fetch_optional(tx.conn())
            .await?;
            let kept: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM custom_filters WHERE account_id = $1 AND agent_id = $2",
            )
            .bind(account)
            .bind(agent)
            .fetch_one(tx.conn())
            .await?;
            if kept >= FILTERS_MAX {
                return Err(AppError::validation("custom_filters", "too_many"));
            }
            sqlx::query_scalar(
                "INSERT INTO custom_filters \
                 (account_id, agent_id, name, filter_type, query, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(account)
            .bind(agent)
            .bind(&name)
            .bind(kind.as_str())
            .bind(&query)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
        }
    };
    tx.finish().await?;
    get(caller, id).await
}

/// Deletes one of the caller's filters; another agent's is not found.
pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    let mut tx = caller.db().begin_write().await?;
    let done = sqlx::query(
        "DELETE FROM custom_filters WHERE id = $1 AND account_id = $2 AND agent_id = $3",
    )
    .bind(id)
    .bind(caller.agent.account_id)
    .bind(caller.agent.id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_read_by_name_or_number() {
        assert_eq!(
            FilterType::parse(&json!("contact")),
            Some(FilterType::Contact)
        );
        assert_eq!(FilterType::parse(&json!(2)), Some(FilterType::Report));
        assert_eq!(
            FilterType::parse(&json!("0")),
            Some(FilterType::Conversation)
        );
        assert_eq!(FilterType::parse(&json!("folder")), None);
        assert_eq!(FilterType::parse(&json!(3)), None);
        assert!(type_filter(None).is_ok_and(|t| t == FilterType::Conversation));
        assert!(type_filter(Some("nope")).is_err());
    }

    #[test]
    fn queries_keep_the_filter_shape() {
        let open = json!({"payload": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}]});
        assert!(query_of(&open, FilterType::Conversation).is_ok());
        assert!(query_of(&json!({"payload": []}), FilterType::Contact).is_err());
        assert!(query_of(&json!({"payload": [{"values": []}]}), FilterType::Contact).is_err());
        assert!(query_of(&json!([1]), FilterType::Report).is_err());
        assert!(query_of(&json!({"metric": "x"}), FilterType::Report).is_ok());
        let huge = json!({"payload": [{"attribute_key": "name", "filter_operator": "contains", "values": ["x".repeat(QUERY_MAX)]}]});
        assert!(query_of(&huge, FilterType::Contact).is_err());
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(name_of("  Urgentes ").ok(), Some("Urgentes".to_owned()));
        assert!(name_of("  ").is_err());
        assert!(name_of(&"ñ".repeat(256)).is_err());
    }
}
