//! `POST …/contacts/filter`: Chatwoot's contact filter, which integrations use to find
//! a customer by phone or email before writing to her. Conditions on `name`, `email`,
//! `phone_number` (read as the contact book reads a number, so `+34 600 11 22 33` finds
//! `+34600112233`), `company_name`, `created_at` and `last_activity_at`, joined left to
//! right by each condition's `query_operator` (`and`/`or`, SQL precedence as Chatwoot's
//! own builder has it); pages of 15 in id order. Text compares ignoring case (on SQLite,
//! whose `LOWER` folds only ASCII, the case of accented capitals counts).
use sqlx::Row;

use super::contacts::PER_PAGE;
use super::filter_custom::condition as custom;
use super::filter_sql::{bind_all, escape_like, joined, texts, time_condition, Bound, Params};
use super::render;
use super::Caller;
use crate::attributes::model::{AttributeDefinition, AttributeModel};
use crate::chatwoot::model as cw;
use crate::contacts::ssr::store::{row_from, CONTACT_COLUMNS};
use crate::db::Backend;
use crate::domain::PhoneNumber;
use crate::error::AppError;

/// The contact book lists only contacts with an email or a phone (a website visitor who
/// never left either is not listed); the filter finds what the list shows.
const LISTED: &str = "c.account_id = $1 AND (c.email IS NOT NULL OR c.phone_e164 IS NOT NULL)";

/// One page of the contacts that pass, and how many pass in all.
pub async fn filter(
    caller: &Caller<'_>,
    body: &cw::FilterBody,
    page: i64,
) -> Result<(Vec<cw::Contact>, i64), AppError> {
    let defined = crate::attributes::ssr::list(
        caller.db(),
        caller.agent.account_id,
        Some(AttributeModel::Contact),
    )
    .await?;
    let known = Known {
        country: &caller.state.settings.default_country,
        defined: &defined,
        backend: caller.db().backend,
    };
    let (clause, params) = where_clause(body, &known)?;
    let account = caller.agent.account_id;
    let next = params.next();
    let count_sql = format!("SELECT COUNT(*) FROM contacts c WHERE {LISTED} AND ({clause})");
    let page_sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c WHERE {LISTED} AND ({clause}) \
         ORDER BY c.id LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let total: i64 = bind_all(sqlx::query(&count_sql).bind(account), &params.bound)
        .fetch_one(&caller.db().pool)
        .await?
        .try_get(0)?;
    let offset = (page.max(1) - 1).saturating_mul(PER_PAGE);
    let found = bind_all(sqlx::query(&page_sql).bind(account), &params.bound)
        .bind(PER_PAGE)
        .bind(offset)
        .fetch_all(&caller.db().pool)
        .await?;
    let contacts = found
        .iter()
        .map(|r| row_from(r).map(|row| render::contact(&row)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((contacts, total))
}

/// The conditions as SQL over `contacts c` with their values (numbered from `$2`).
fn where_clause(body: &cw::FilterBody, known: &Known<'_>) -> Result<(String, Params), AppError> {
    joined(&body.payload, 1, |condition, params| {
        condition_sql(condition, known, params)
    })
}

/// What reading a condition needs besides it: the default country (phone numbers),
/// the account's contact attributes and the database's JSON functions.
struct Known<'a> {
    country: &'a str,
    defined: &'a [AttributeDefinition],
    backend: Backend,
}

fn condition_sql(
    condition: &cw::FilterCondition,
    known: &Known<'_>,
    params: &mut Params,
) -> Result<String, AppError> {
    let country = known.country;
    let column = match condition.attribute_key.as_str() {
        "name" => "c.name",
        "email" => "c.email",
        "phone_number" => "c.phone_e164",
        "identifier" => "c.identifier",
        "company_name" | "company" => "c.company",
        "created_at" => "c.created_at",
        "last_activity_at" => "c.last_activity_at",
        // Not a field of the contact's own: one of the account's contact attributes.
        key => {
            let definition = known
                .defined
                .iter()
                .find(|d| d.key == key)
                .ok_or_else(|| AppError::validation("attribute_key", "invalid"))?;
            let texts = texts(condition)?;
            let operator = condition.filter_operator.as_str();
            let column = "c.custom_attributes";
            return custom(known.backend, column, definition, operator, &texts, params);
        }
    };
    let is_time = matches!(
        condition.attribute_key.as_str(),
        "created_at" | "last_activity_at"
    );
    let texts = texts(condition)?;
    let mut param = |value: Bound| params.add(value);
    let present = format!("({column} IS NOT NULL AND CAST({column} AS TEXT) <> '')");
    let operator = condition.filter_operator.as_str();
    Ok(match operator {
        "is_present" => present,
        "is_not_present" => format!("(NOT {present})"),
        "is_greater_than" | "is_less_than" | "days_before" if is_time => {
            time_condition(column, operator, &texts, params)?
        }
        "equal_to" | "not_equal_to" | "contains" | "does_not_contain" if !is_time => {
            if texts.is_empty() {
                return Err(AppError::validation("values", "required"));
            }
            let negate = matches!(operator, "not_equal_to" | "does_not_contain");
            let each: Vec<String> = texts
                .iter()
                .map(|value| {
                    if operator.contains("contain") {
                        let pattern = format!("%{}%", escape_like(&value.to_lowercase()));
                        format!(
                            "LOWER({column}) LIKE {} ESCAPE '\\'",
                            param(Bound::Text(pattern))
                        )
                    } else {
                        let wanted = match condition.attribute_key.as_str() {
                            "phone_number" => PhoneNumber::parse(value, country)
                                .map(|p| p.as_str().to_owned())
                                .unwrap_or_else(|_| value.trim().to_owned()),
                            _ => value.trim().to_lowercase(),
                        };
                        format!("LOWER({column}) = LOWER({})", param(Bound::Text(wanted)))
                    }
                })
                .collect();
            let any = format!("({})", each.join(" OR "));
            if negate {
                // As Chatwoot's `NOT IN`: a contact without the field is left out.
                format!("({column} IS NOT NULL AND NOT {any})")
            } else {
                any
            }
        }
        _ => return Err(AppError::validation("filter_operator", "invalid")),
    })
}

#[cfg(test)]
mod tests;
