//! Todos los contactos: keyset pages sorted by name or by last activity, filtered by a
//! search that every backend serves from an index: FTS5 with the trigram tokenizer on
//! SQLite, a pg_trgm GIN index on PostgreSQL. Fragments shorter than three characters
//! cannot use trigrams: alone they match the start of the name (a range of the sort-key
//! B-tree, read in name order), next to a longer fragment they filter its matches.
use crate::contacts::model::{ContactCursor, ContactPage, ContactSort};
use crate::contacts::ssr::store::{row_from, CONTACT_COLUMNS};
use crate::db::{Backend, Db};
use crate::domain::ContactQuery;
use crate::error::AppError;

pub const PAGE_SIZE: i64 = 50;

/// A value bound to a numbered placeholder of a query built at run time.
enum Bind {
    Int(i64),
    Text(String),
}

struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }
}

/// `"fragment"`: a quoted FTS5 phrase, which the trigram tokenizer matches as a substring.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// `%fragment%` for LIKE, with the pattern characters escaped (backslash is
/// PostgreSQL's default LIKE escape).
fn like_contains(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// On SQLite a fragment matching at least this many contacts is "common": reading the
/// sort-order index and keeping rows that contain it finds a page after a few hundred
/// rows, while the trigram index hands over every match to be sorted (150,000 for
/// "martí" in a million contacts: p99 152 ms through the index, 20 ms walking).
const COMMON_MATCHES: i64 = 2_000;

/// How many contacts a walk reads before giving up for the index: matches can cluster
/// late in page order (every "Íñigo" sorts after every "Carmen").
const WALK_ROWS: i64 = 5_000;

/// How a fragment of three or more characters is looked up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// Through the trigram index.
    Index,
    /// By reading the next [`WALK_ROWS`] contacts in page order and keeping those that
    /// contain it (SQLite, for fragments found in very many contacts); the index when
    /// they hold less than a page.
    Walk,
}

/// Counts the trigram index's matches up to [`COMMON_MATCHES`] to pick the lookup.
async fn lookup_for(db: &Db, query: Option<&ContactQuery>) -> Result<Lookup, AppError> {
    let Some(query) = query else {
        return Ok(Lookup::Index);
    };
    let terms: Vec<&str> = query.indexed_terms().collect();
    if terms.is_empty() {
        return Ok(Lookup::Index);
    }
    if db.backend != Backend::Sqlite {
        // Measured on PostgreSQL, the walk made every query slower (BENCHMARKS.md).
        return Ok(Lookup::Index);
    }
    let phrases: Vec<String> = terms.iter().map(|t| fts_phrase(t)).collect();
    let matches: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH $1 LIMIT $2)",
    )
    .bind(phrases.join(" AND "))
    .bind(COMMON_MATCHES)
    .fetch_one(&db.pool)
    .await?;
    Ok(if matches >= COMMON_MATCHES {
        Lookup::Walk
    } else {
        Lookup::Index
    })
}

fn search_filter(
    sql: &mut Sql,
    backend: Backend,
    query: &ContactQuery,
    lookup: Lookup,
) -> Vec<String> {
    let mut filters = Vec::new();
    let indexed: Vec<&str> = query.indexed_terms().collect();
    let short: Vec<&str> = query
        .terms
        .iter()
        .map(String::as_str)
        .filter(|t| t.chars().count() < 3)
        .collect();
    if !indexed.is_empty() {
        match backend {
            Backend::Sqlite if lookup == Lookup::Walk => {
                for term in &indexed {
                    let p = sql.push(Bind::Text((*term).to_owned()));
                    filters.push(format!("instr(c.search_text, {p}) > 0"));
                }
            }
            Backend::Sqlite => {
                let expr = indexed
                    .iter()
                    .map(|t| fts_phrase(t))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let p = sql.push(Bind::Text(expr));
                filters.push(format!(
                    "c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH {p})"
                ));
            }
            Backend::Postgres => {
                for term in &indexed {
                    let p = sql.push(Bind::Text(like_contains(term)));
                    filters.push(format!("c.search_text LIKE {p}"));
                }
            }
        }
    }
    let mut short = short.into_iter();
    if indexed.is_empty() {
        if let Some(prefix) = short.next() {
            let low = sql.push(Bind::Text(prefix.to_owned()));
            let high = sql.push(Bind::Text(format!("{prefix}\u{10FFFF}")));
            filters.push(format!("c.sort_name >= {low} AND c.sort_name < {high}"));
        }
    }
    for term in short {
        let p = sql.push(Bind::Text(term.to_owned()));
        filters.push(match backend {
            Backend::Sqlite => format!("instr(c.search_text, {p}) > 0"),
            Backend::Postgres => format!("strpos(c.search_text, {p}) > 0"),
        });
    }
    filters
}

fn build(
    backend: Backend,
    lookup: Lookup,
    account_id: i64,
    query: Option<&ContactQuery>,
    sort: ContactSort,
    after: Option<&ContactCursor>,
) -> Result<Sql, AppError> {
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    let account = sql.push(Bind::Int(account_id));
    let mut filters = vec![format!("c.account_id = {account}")];
    let searched = match query {
        Some(query) => search_filter(&mut sql, backend, query, lookup),
        None => Vec::new(),
    };
    match (sort, after) {
        (ContactSort::Name, Some(ContactCursor::Name { sort_name, id })) => {
            let k = sql.push(Bind::Text(sort_name.clone()));
            let i = sql.push(Bind::Int(*id));
            filters.push(format!(
                "(c.sort_name > {k} OR (c.sort_name = {k} AND c.id > {i}))"
            ));
        }
        (
            ContactSort::Activity,
            Some(ContactCursor::Activity {
                last_activity_at,
                id,
            }),
        ) => {
            let k = sql.push(Bind::Int(*last_activity_at));
            let i = sql.push(Bind::Int(*id));
            filters.push(format!(
                "(c.last_activity_at < {k} OR (c.last_activity_at = {k} AND c.id < {i}))"
            ));
        }
        (_, Some(_)) => return Err(AppError::validation("after", "invalid")),
        (_, None) => {}
    }
    let order = match sort {
        ContactSort::Name => "c.sort_name, c.id",
        ContactSort::Activity => "c.last_activity_at DESC, c.id DESC",
    };
    if lookup == Lookup::Walk && !searched.is_empty() {
        // Only the next WALK_ROWS contacts in page order are read; when they hold
        // less than a page, the caller asks again through the index.
        let walk = sql.push(Bind::Int(WALK_ROWS));
        let limit = sql.push(Bind::Int(PAGE_SIZE + 1));
        sql.text = format!(
            "SELECT {CONTACT_COLUMNS}, c.sort_name FROM (SELECT * FROM contacts c WHERE {} \
             ORDER BY {order} LIMIT {walk}) c WHERE {} ORDER BY {order} LIMIT {limit}",
            filters.join(" AND "),
            searched.join(" AND ")
        );
        return Ok(sql);
    }
    filters.extend(searched);
    let limit = sql.push(Bind::Int(PAGE_SIZE + 1));
    sql.text = format!(
        "SELECT {CONTACT_COLUMNS}, c.sort_name FROM contacts c WHERE {} ORDER BY {order} LIMIT {limit}",
        filters.join(" AND ")
    );
    Ok(sql)
}

/// The query with its values bound in order.
fn bind_all<'q>(
    text: &'q str,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(text);
    for bind in binds {
        q = match bind {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        };
    }
    q
}

pub async fn page(
    db: &Db,
    account_id: i64,
    query: Option<&ContactQuery>,
    sort: ContactSort,
    after: Option<&ContactCursor>,
) -> Result<ContactPage, AppError> {
    let mut rows = Vec::new();
    if lookup_for(db, query).await? == Lookup::Walk {
        let sql = build(db.backend, Lookup::Walk, account_id, query, sort, after)?;
        rows = bind_all(&sql.text, &sql.binds).fetch_all(&db.pool).await?;
    }
    if rows.len() as i64 <= PAGE_SIZE {
        let sql = build(db.backend, Lookup::Index, account_id, query, sort, after)?;
        rows = bind_all(&sql.text, &sql.binds).fetch_all(&db.pool).await?;
    }
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let rows = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let items = rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?;
    let next = match (has_more, rows.last(), items.last()) {
        (true, Some(row), Some(last)) => Some(match sort {
            ContactSort::Name => ContactCursor::Name {
                sort_name: sqlx::Row::try_get(row, "sort_name")?,
                id: last.id,
            },
            ContactSort::Activity => ContactCursor::Activity {
                last_activity_at: last.last_activity_at,
                id: last.id,
            },
        }),
        _ => None,
    };
    Ok(ContactPage { items, next })
}

/// The database's plan for a search, one line per step (for tests and the benchmark
/// that check an index serves it, not a scan). On PostgreSQL sequential scans are
/// disabled for the transaction, so a small test table still shows which indexes apply.
pub async fn plan(
    db: &Db,
    account_id: i64,
    query: &ContactQuery,
    sort: ContactSort,
) -> Result<Vec<String>, AppError> {
    let lookup = lookup_for(db, Some(query)).await?;
    let sql = build(db.backend, lookup, account_id, Some(query), sort, None)?;
    let mut tx = db.pool.begin().await?;
    let explain = match db.backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {}", sql.text),
        Backend::Postgres => {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            format!("EXPLAIN {}", sql.text)
        }
    };
    let column = match db.backend {
        Backend::Sqlite => "detail",
        Backend::Postgres => "QUERY PLAN",
    };
    let rows = bind_all(&explain, &sql.binds).fetch_all(&mut *tx).await?;
    tx.rollback().await?;
    rows.iter()
        .map(|r| sqlx::Row::try_get::<String, _>(r, column))
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_values_are_escaped() {
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
        assert_eq!(like_contains("50%_\\"), "%50\\%\\_\\\\%");
    }
}
