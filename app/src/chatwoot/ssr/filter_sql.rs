//! What Chatwoot's filters (`POST …/contacts/filter`, `POST …/conversations/filter`)
//! share: conditions joined left to right by each one's `query_operator` (`and`/`or`,
//! SQL precedence as Chatwoot's own builder has it), values bound as parameters, the
//! limits, and the time comparisons (`is_greater_than`, `is_less_than`, `days_before`).
use serde_json::Value;

use crate::chatwoot::model as cw;
use crate::error::AppError;

/// More conditions than this are refused (each is a clause of one query).
pub const MAX_CONDITIONS: usize = 10;
/// More values in one condition than this are refused.
pub const MAX_VALUES: usize = 50;

pub enum Bound {
    Text(String),
    Int(i64),
}

/// The values of a filter's query, numbered after the `offset` parameters the query
/// binds first.
pub struct Params {
    pub bound: Vec<Bound>,
    offset: usize,
}

impl Params {
    /// None yet, the first to be numbered `offset + 1`.
    pub fn starting_after(offset: usize) -> Params {
        Params {
            bound: Vec::new(),
            offset,
        }
    }

    /// Adds a value; its placeholder (`$n`).
    pub fn add(&mut self, value: Bound) -> String {
        self.bound.push(value);
        format!("${}", self.bound.len() + self.offset)
    }

    /// The placeholder the next value after these would get.
    pub fn next(&self) -> usize {
        self.bound.len() + self.offset + 1
    }
}

/// The conditions as one SQL expression, each written by `each`.
pub fn joined(
    payload: &[cw::FilterCondition],
    offset: usize,
    mut each: impl FnMut(&cw::FilterCondition, &mut Params) -> Result<String, AppError>,
) -> Result<(String, Params), AppError> {
    if payload.is_empty() {
        return Err(AppError::validation("payload", "required"));
    }
    if payload.len() > MAX_CONDITIONS {
        return Err(AppError::validation("payload", "too_many"));
    }
    let mut params = Params::starting_after(offset);
    let mut sql = String::new();
    let mut joiner: Option<&str> = None;
    for condition in payload {
        if let Some(op) = joiner {
            sql.push_str(op);
        }
        if condition.values.len() > MAX_VALUES {
            return Err(AppError::validation("values", "too_many"));
        }
        sql.push_str(&each(condition, &mut params)?);
        joiner = match condition
            .query_operator
            .as_deref()
            .map(str::to_ascii_lowercase)
        {
            None => Some(" AND "),
            Some(op) if op == "and" => Some(" AND "),
            Some(op) if op == "or" => Some(" OR "),
            Some(_) => return Err(AppError::validation("query_operator", "invalid")),
        };
    }
    Ok((sql, params))
}

/// A condition's values as text (numbers too); one holding NUL is refused, as
/// PostgreSQL takes none in a text and no field holds one.
pub fn texts(condition: &cw::FilterCondition) -> Result<Vec<String>, AppError> {
    let texts: Vec<String> = condition
        .values
        .iter()
        .filter_map(|value| match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    if texts.iter().any(|t| t.contains('\0')) {
        return Err(AppError::validation("values", "invalid"));
    }
    Ok(texts)
}

/// `column` (Unix ms) after or before the first value (a day or an instant), or
/// older than that many days.
pub fn time_condition(
    column: &str,
    operator: &str,
    texts: &[String],
    params: &mut Params,
) -> Result<String, AppError> {
    let first = texts
        .first()
        .ok_or_else(|| AppError::validation("values", "required"))?;
    let at = match operator {
        "days_before" => {
            let days: i64 = first
                .trim()
                .parse()
                .map_err(|_| AppError::validation("values", "invalid"))?;
            crate::db::now_ms() - days.clamp(0, 36_500) * 86_400_000
        }
        "is_greater_than" | "is_less_than" => {
            instant(first).ok_or_else(|| AppError::validation("values", "invalid"))?
        }
        _ => return Err(AppError::validation("filter_operator", "invalid")),
    };
    let cmp = if operator == "is_greater_than" {
        ">"
    } else {
        "<"
    };
    Ok(format!("({column} {cmp} {})", params.add(Bound::Int(at))))
}

/// `2024-05-01` (a day, UTC) or `2024-05-01T10:00:00Z` as Unix milliseconds.
pub fn instant(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Some(at.as_millisecond());
    }
    let day: jiff::civil::Date = text.parse().ok()?;
    let at = day.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(at.timestamp().as_millisecond())
}

pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Binds the values onto a query in order.
pub fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    bound: &[Bound],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for value in bound {
        query = match value {
            Bound::Text(t) => query.bind(t.clone()),
            Bound::Int(n) => query.bind(*n),
        };
    }
    query
}
