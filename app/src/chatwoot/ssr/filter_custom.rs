//! A filter condition on a custom attribute (Chatwoot's filters name it by its key):
//! the value read out of the stored JSON object by the database itself, compared as
//! its type is (text without regard to case, numbers as numbers, days in order, a
//! checkbox as true/false). A value of another JSON type than the attribute's (set by
//! an API client before the attribute was defined) never matches rather than failing;
//! `not_equal_to` and `does_not_contain` pass those without the attribute, as Chatwoot's.
use super::filter_sql::{escape_like, Bound, Params};
use crate::attributes::model::{AttributeDefinition, AttributeType};
use crate::db::Backend;
use crate::error::AppError;

/// The SQL of one condition over `column` (a table's `custom_attributes`).
pub fn condition(
    backend: Backend,
    column: &str,
    definition: &AttributeDefinition,
    operator: &str,
    texts: &[String],
    params: &mut Params,
) -> Result<String, AppError> {
    let path = match backend {
        Backend::Sqlite => params.add(Bound::Text(format!("$.\"{}\"", definition.key))),
        Backend::Postgres => params.add(Bound::Text(definition.key.clone())),
    };
    // Its JSON type (SQLite: text, integer, real, true, false, null…; PostgreSQL:
    // string, number, boolean, null…) and its value as text or number.
    let (json_type, value) = match backend {
        Backend::Sqlite => (
            format!("json_type({column}, {path})"),
            format!("json_extract({column}, {path})"),
        ),
        // `json`, not `jsonb`: each row's text is read once, so building jsonb's
        // binary form is wasted work; a row with no values at all is not parsed.
        Backend::Postgres => (
            format!(
                "(CASE WHEN {column} = '{{}}' THEN NULL ELSE json_typeof(CAST({column} AS json) -> {path}) END)"
            ),
            format!(
                "(CASE WHEN {column} = '{{}}' THEN NULL ELSE CAST({column} AS json) ->> {path} END)"
            ),
        ),
    };
    let (is_text, is_number) = match backend {
        Backend::Sqlite => (
            format!("{json_type} = 'text'"),
            format!("{json_type} IN ('integer', 'real')"),
        ),
        Backend::Postgres => (
            format!("{json_type} = 'string'"),
            format!("{json_type} = 'number'"),
        ),
    };
    let present = format!("({json_type} IS NOT NULL AND {json_type} <> 'null')");
    if operator == "is_present" {
        return Ok(present);
    }
    if operator == "is_not_present" {
        return Ok(format!("(NOT {present})"));
    }
    if texts.is_empty() {
        return Err(AppError::validation("values", "required"));
    }
    let invalid = || AppError::validation("values", "invalid");
    let negate = matches!(operator, "not_equal_to" | "does_not_contain");
    let mut each = Vec::new();
    let typed = definition.display_type;
    for text in texts {
        let clause = match (typed, operator) {
            (AttributeType::Checkbox, "equal_to" | "not_equal_to") => {
                let wanted = match text.trim() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(invalid()),
                };
                match backend {
                    Backend::Sqlite => format!("{json_type} = '{wanted}'"),
                    Backend::Postgres => {
                        format!("({json_type} = 'boolean' AND {value} = '{wanted}')")
                    }
                }
            }
            (t, "equal_to" | "not_equal_to" | "is_greater_than" | "is_less_than")
                if t.is_numeric() =>
            {
                let number: f64 = text
                    .trim()
                    .replace(',', ".")
                    .parse()
                    .map_err(|_| invalid())?;
                if !number.is_finite() {
                    return Err(invalid());
                }
                let cmp = comparison(operator);
                let bound = params.add(Bound::Text(number.to_string()));
                format!(
                    "(CASE WHEN {is_number} THEN CAST({value} AS DOUBLE PRECISION) END {cmp} \
                     CAST({bound} AS DOUBLE PRECISION))"
                )
            }
            (
                AttributeType::Date,
                "equal_to" | "not_equal_to" | "is_greater_than" | "is_less_than",
            ) => {
                let day = definition
                    .parse_value(&serde_json::Value::String(text.clone()))
                    .ok()
                    .flatten()
                    .ok_or_else(invalid)?;
                let day =
                    crate::attributes::model::values::day_of(day.as_str().unwrap_or_default());
                let cmp = comparison(operator);
                // A value may be a full timestamp (Chatwoot's dashboard writes them):
                // its day is what counts.
                format!(
                    "({is_text} AND SUBSTR({value}, 1, 10) {cmp} {})",
                    params.add(Bound::Text(day.to_owned()))
                )
            }
            (
                AttributeType::Text | AttributeType::Link | AttributeType::List,
                "equal_to" | "not_equal_to",
            ) => format!(
                // Folded here too: SQLite's LOWER folds ASCII letters only.
                "({is_text} AND LOWER({value}) = {})",
                params.add(Bound::Text(text.trim().to_lowercase()))
            ),
            (
                AttributeType::Text | AttributeType::Link | AttributeType::List,
                "contains" | "does_not_contain",
            ) => {
                let pattern = format!("%{}%", escape_like(&text.trim().to_lowercase()));
                format!(
                    "({is_text} AND LOWER({value}) LIKE {} ESCAPE '\\')",
                    params.add(Bound::Text(pattern))
                )
            }
            _ => return Err(AppError::validation("filter_operator", "invalid")),
        };
        each.push(clause);
    }
    let any = format!("({})", each.join(" OR "));
    Ok(if negate {
        // As Chatwoot's custom attribute filter: one without the attribute passes.
        format!("(NOT {present} OR NOT {any})")
    } else {
        any
    })
}

fn comparison(operator: &str) -> &'static str {
    match operator {
        "is_greater_than" => ">",
        "is_less_than" => "<",
        _ => "=",
    }
}

#[cfg(test)]
mod tests;
