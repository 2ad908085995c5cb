//! `POST …/conversations/filter`: Chatwoot's conversation filter, which integrations
//! and saved folders send. Conditions on `status`, `assignee_id`, `inbox_id`,
//! `team_id`, `contact_id`, `display_id`, `priority`, `labels` (titles), `created_at`
//! and `last_activity_at`, joined as the contact filter joins them; only conversations
//! the caller may see; pages of 25, the latest activity first, with the mine /
//! unassigned / all counts of everything that passes. An attribute Charla does not keep
//! (`browser_language`, `referer`…) is refused by name rather than silently matching
//! nothing; a key that names one of the account's conversation attributes filters on
//! its values.
use sqlx::Row;

use super::conversations::{shape, PER_PAGE};
use super::filter_custom::condition as custom;
use super::filter_sql::{bind_all, joined, texts, time_condition, Bound, Params};
use super::Caller;
use crate::attributes::model::{AttributeDefinition, AttributeModel};
use crate::chatwoot::model as cw;
use crate::conversations::ssr::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use crate::db::Backend;
use crate::domain::{ConversationStatus, Priority};
use crate::error::AppError;

/// One page of the conversations that pass, and the counts of all that pass.
pub async fn filter(
    caller: &Caller<'_>,
    body: &cw::FilterBody,
    page: i64,
) -> Result<(cw::ListCounts, Vec<cw::Conversation>), AppError> {
    let defined = crate::attributes::ssr::list(
        caller.db(),
        caller.agent.account_id,
        Some(AttributeModel::Conversation),
    )
    .await?;
    let (clause, params) = where_clause(body, &defined, caller.db().backend)?;
    let viewer = caller.viewer();
    let next = params.next();
    let counts_sql = format!(
        "SELECT COUNT(*) AS all_count, \
         CAST(COALESCE(SUM(CASE WHEN c.assignee_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS mine_count, \
         CAST(COALESCE(SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS unassigned_count \
         FROM conversations c WHERE {VISIBLE} AND ({clause})"
    );
    let page_sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND ({clause}) \
         ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let db = caller.db();
    let counts = bind_all(visible_to(&counts_sql, viewer), &params.bound)
        .fetch_one(&db.pool)
        .await?;
    let all: i64 = counts.try_get("all_count")?;
    let unassigned: i64 = counts.try_get("unassigned_count")?;
    let counts = cw::ListCounts {
        mine_count: counts.try_get("mine_count")?,
        assigned_count: all - unassigned,
        unassigned_count: unassigned,
        all_count: all,
    };
    let offset = (page.max(1) - 1).saturating_mul(PER_PAGE);
    let rows = bind_all(visible_to(&page_sql, viewer), &params.bound)
        .bind(PER_PAGE)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((counts, shape(caller, rows).await?))
}

/// A query with the visibility rule's three values bound ($1 to $3).
fn visible_to(
    sql: &str,
    viewer: Viewer,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
}

/// The conditions as SQL over `conversations c` (values numbered from `$4`); a key
/// that is none of the conversation's own fields may be one of `defined`.
fn where_clause(
    body: &cw::FilterBody,
    defined: &[AttributeDefinition],
    backend: Backend,
) -> Result<(String, Params), AppError> {
    joined(&body.payload, 3, |condition, params| {
        condition_sql(condition, defined, backend, params)
    })
}

/// A stored number column, or the labels.
enum Attribute {
    Number(&'static str),
    Status,
    Priority,
    Labels,
    Time(&'static str),
}

fn attribute(key: &str) -> Result<Attribute, AppError> {
    Ok(match key {
        "status" => Attribute::Status,
        "assignee_id" => Attribute::Number("c.assignee_id"),
        "inbox_id" => Attribute::Number("c.inbox_id"),
        "team_id" => Attribute::Number("c.team_id"),
        "contact_id" => Attribute::Number("c.contact_id"),
        "display_id" => Attribute::Number("c.display_id"),
        "priority" => Attribute::Priority,
        "labels" => Attribute::Labels,
        "created_at" => Attribute::Time("c.created_at"),
        "last_activity_at" => Attribute::Time("c.last_activity_at"),
        _ => return Err(AppError::validation("attribute_key", "invalid")),
    })
}

fn condition_sql(
    condition: &cw::FilterCondition,
    defined: &[AttributeDefinition],
    backend: Backend,
    params: &mut Params,
) -> Result<String, AppError> {
    let operator = condition.filter_operator.as_str();
    let texts = texts(condition)?;
    let attribute = match attribute(&condition.attribute_key) {
        Ok(attribute) => attribute,
        Err(unknown) => {
            let definition = defined
                .iter()
                .find(|d| d.key == condition.attribute_key)
                .ok_or(unknown)?;
            let column = "c.custom_attributes";
            return custom(backend, column, definition, operator, &texts, params);
        }
    };
    let required = || {
        if texts.is_empty() {
            Err(AppError::validation("values", "required"))
        } else {
            Ok(())
        }
    };
    let invalid = || AppError::validation("values", "invalid");
    let negate = operator == "not_equal_to";
    let any_of = |each: Vec<String>| -> String {
        let any = format!("({})", each.join(" OR "));
        if negate {
            format!("(NOT {any})")
        } else {
            any
        }
    };
    let labelled = "EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id)";
    Ok(match (attribute, operator) {
        (Attribute::Time(column), _) => time_condition(column, operator, &texts, params)?,
        (Attribute::Number(column), "is_present") => format!("({column} IS NOT NULL)"),
        (Attribute::Number(column), "is_not_present") => format!("({column} IS NULL)"),
        (Attribute::Number(column), "equal_to" | "not_equal_to") => {
            required()?;
            let mut each = Vec::new();
            for text in &texts {
                let n: i64 = text.trim().parse().map_err(|_| invalid())?;
                each.push(format!("{column} = {}", params.add(Bound::Int(n))));
            }
            if negate {
                // As Chatwoot's `NOT IN`: a conversation without the value stays out.
                format!("({column} IS NOT NULL AND {})", any_of(each))
            } else {
                any_of(each)
            }
        }
        (Attribute::Status, "equal_to" | "not_equal_to") => {
            required()?;
            if texts.iter().any(|t| t.trim() == "all") {
                return Ok(if negate { "(1 = 0)" } else { "(1 = 1)" }.to_owned());
            }
            let mut each = Vec::new();
            for text in &texts {
                let status = ConversationStatus::parse(text.trim()).ok_or_else(invalid)?;
                each.push(format!(
                    "c.status = {}",
                    params.add(Bound::Text(status.as_str().to_owned()))
                ));
            }
            any_of(each)
        }
        (Attribute::Priority, "is_present") => "(c.priority > 0)".to_owned(),
        (Attribute::Priority, "is_not_present") => "(c.priority = 0)".to_owned(),
        (Attribute::Priority, "equal_to" | "not_equal_to") => {
            required()?;
            let mut each = Vec::new();
            for text in &texts {
                let priority = Priority::parse(text.trim()).ok_or_else(invalid)?;
                each.push(format!(
                    "c.priority = {}",
                    params.add(Bound::Int(priority.rank()))
                ));
            }
            if negate {
                // As for the numbers: a conversation without a priority stays out.
                format!("(c.priority > 0 AND {})", any_of(each))
            } else {
                any_of(each)
            }
        }
        (Attribute::Labels, "is_present") => format!("({labelled})"),
        (Attribute::Labels, "is_not_present") => format!("(NOT {labelled})"),
        (Attribute::Labels, "equal_to" | "not_equal_to") => {
            required()?;
            let mut each = Vec::new();
            for text in &texts {
                each.push(format!(
                    "EXISTS (SELECT 1 FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id \
                     WHERE cl.conversation_id = c.id AND LOWER(l.name) = LOWER({}))",
                    params.add(Bound::Text(text.trim().to_owned()))
                ));
            }
            any_of(each)
        }
        _ => return Err(AppError::validation("filter_operator", "invalid")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn where_clause_of(body: &cw::FilterBody) -> Result<(String, Params), AppError> {
        where_clause(body, &[], Backend::Sqlite)
    }

    fn body(payload: Value) -> cw::FilterBody {
        serde_json::from_value(json!({ "payload": payload })).unwrap()
    }

    #[test]
    fn conditions_read_as_chatwoot_writes_them() {
        let (sql, params) = where_clause_of(&body(json!([
            {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open", "pending"], "query_operator": "and"},
            {"attribute_key": "assignee_id", "filter_operator": "not_equal_to", "values": [7], "query_operator": "or"},
            {"attribute_key": "labels", "filter_operator": "equal_to", "values": ["VIP"]}
        ])))
        .unwrap();
        assert_eq!(
            sql,
            "(c.status = $4 OR c.status = $5) AND (c.assignee_id IS NOT NULL AND (NOT (c.assignee_id = $6))) OR \
             (EXISTS (SELECT 1 FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id \
             WHERE cl.conversation_id = c.id AND LOWER(l.name) = LOWER($7)))"
        );
        assert_eq!(params.bound.len(), 4);
        assert!(matches!(params.bound[2], Bound::Int(7)));
        let (sql, params) = where_clause_of(&body(json!([
            {"attribute_key": "priority", "filter_operator": "equal_to", "values": ["urgent"]}
        ])))
        .unwrap();
        assert_eq!(sql, "(c.priority = $4)");
        assert!(matches!(params.bound[0], Bound::Int(4)));
        let (sql, _) = where_clause_of(&body(json!([
            {"attribute_key": "status", "filter_operator": "equal_to", "values": ["all"]}
        ])))
        .unwrap();
        assert_eq!(sql, "(1 = 1)");
    }

    #[test]
    fn what_it_cannot_read_is_refused() {
        for payload in [
            json!([]),
            json!([{"attribute_key": "browser_language", "filter_operator": "equal_to", "values": ["es"]}]),
            json!([{"attribute_key": "status", "filter_operator": "equal_to", "values": ["closed"]}]),
            json!([{"attribute_key": "status", "filter_operator": "contains", "values": ["open"]}]),
            json!([{"attribute_key": "assignee_id", "filter_operator": "equal_to", "values": ["Lucía"]}]),
            json!([{"attribute_key": "inbox_id", "filter_operator": "equal_to", "values": []}]),
            json!([{"attribute_key": "priority", "filter_operator": "equal_to", "values": ["very"]}]),
            json!([{"attribute_key": "created_at", "filter_operator": "equal_to", "values": ["2026-01-01"]}]),
            json!([{"attribute_key": "labels", "filter_operator": "equal_to", "values": ["a\u{0}b"]}]),
        ] {
            assert!(
                where_clause_of(&body(payload.clone())).is_err(),
                "{payload}"
            );
        }
    }
}
