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

/// A contact with an email or a phone: the ones Todos los contactos lists, searches
/// and exports (anonymous website visitors are not among them).
pub const REACHABLE: &str = "c.email IS NOT NULL OR c.phone_e164 IS NOT NULL";

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

/// How many contacts a search reads in page order before asking the trigram index.
/// A fragment found in at least one contact in a hundred (a surname, a domain) fills a
/// page within these, from index pages alone (the page-order indexes carry
/// `search_text`); the trigram index instead hands over every match to be sorted
/// (150,000 for "martí" in a million contacts). Rarer fragments, or matches that sort
/// late (every "Íñigo" after every "Carmen"), go to the index after the walk.
const WALK_ROWS: i64 = 5_000;

/// How a fragment of three or more characters is looked up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// Through the trigram index.
    Index,
    /// By reading the next [`WALK_ROWS`] contacts in page order and keeping those that
    /// contain it; the index when they hold less than a page.
    Walk,
}

/// Walks first whenever a fragment is long enough for the index. No probe of the
/// index decides it: counting matches costs about what the index lookup costs.
fn lookup_for(query: Option<&ContactQuery>) -> Lookup {
    match query {
        Some(query) if query.indexed_terms().next().is_some() => Lookup::Walk,
        _ => Lookup::Index,
    }
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
    let mut filters = scope(&mut sql, account_id);
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
        // Only the next WALK_ROWS contacts in page order are read (index-only: the
        // page-order indexes carry search_text), then the page's rows are fetched;
        // when the walk holds less than a page, the caller asks again through the index.
        let walk = sql.push(Bind::Int(WALK_ROWS));
        let limit = sql.push(Bind::Int(PAGE_SIZE + 1));
        sql.text = format!(
            "SELECT {CONTACT_COLUMNS}, c.sort_name FROM contacts c WHERE c.id IN (\
             SELECT c.id FROM (SELECT c.id, c.sort_name, c.last_activity_at, c.search_text FROM contacts c \
             WHERE {} ORDER BY {order} LIMIT {walk}) c WHERE {} ORDER BY {order} LIMIT {limit}) \
             ORDER BY {order}",
            filters.join(" AND "),
            searched.join(" AND ")
        );
        return Ok(sql);
    }
    let fenced =
        backend == Backend::Postgres && query.is_some_and(|q| q.indexed_terms().next().is_some());
    filters.extend(searched);
    let limit = sql.push(Bind::Int(PAGE_SIZE + 1));
    if fenced {
        // The walk found less than a page, so the matches are few or sort late. Left
        // to itself, PostgreSQL's plan for the first runs of a prepared statement can
        // still walk the name index (329,730 rows for "inigo nunez", 845 ms);
        // `OFFSET 0` keeps the ORDER BY ... LIMIT out of the subquery, so the matches
        // come from the trigram index and only they are sorted.
        sql.text = format!(
            "SELECT {CONTACT_COLUMNS}, c.sort_name FROM (SELECT * FROM contacts c WHERE {} OFFSET 0) c \
             ORDER BY {order} LIMIT {limit}",
            filters.join(" AND ")
        );
        return Ok(sql);
    }
    sql.text = format!(
        "SELECT {CONTACT_COLUMNS}, c.sort_name FROM contacts c WHERE {} ORDER BY {order} LIMIT {limit}",
        filters.join(" AND ")
    );
    Ok(sql)
}

/// The account's contacts one can reach (S9); the term is the page-order indexes' own
/// WHERE, written the same way so both backends use those partial indexes.
fn scope(sql: &mut Sql, account_id: i64) -> Vec<String> {
    let account = sql.push(Bind::Int(account_id));
    vec![
        format!("c.account_id = {account}"),
        format!("({REACHABLE})"),
    ]
}

/// How many contacts match `query`, or are contact `also`, counted through the index
/// and at most `cap` (a count past what anyone pages through is not worth reading).
pub async fn count(
    db: &Db,
    account_id: i64,
    query: &ContactQuery,
    also: Option<i64>,
    cap: i64,
) -> Result<i64, AppError> {
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    // The account's reachable matches, and `also` whether reachable or not (the search
    // lists her first however she is reached).
    let mut scoped = scope(&mut sql, account_id);
    let account = scoped.remove(0);
    scoped.extend(search_filter(&mut sql, db.backend, query, Lookup::Index));
    let mut matched = scoped.join(" AND ");
    if let Some(id) = also {
        let id = sql.push(Bind::Int(id));
        matched = format!("({matched}) OR c.id = {id}");
    }
    let cap = sql.push(Bind::Int(cap));
    sql.text = format!(
        "SELECT COUNT(*) FROM (SELECT c.id FROM contacts c WHERE {account} AND ({matched}) \
         LIMIT {cap}) matched"
    );
    let row = bind_all(&sql.text, &sql.binds).fetch_one(&db.pool).await?;
    Ok(sqlx::Row::try_get::<i64, _>(&row, 0)?)
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
    if lookup_for(query) == Lookup::Walk {
        let sql = build(db.backend, Lookup::Walk, account_id, query, sort, after)?;
        rows = bind_all(&sql.text, &sql.binds).fetch_all(&db.pool).await?;
    }
    if rows.len() as i64 <= PAGE_SIZE {
        let sql = build(db.backend, Lookup::Index, account_id, query, sort, after)?;
        rows = bind_all(&sql.text, &sql.binds).fetch_all(&db.pool).await?;
    }
    let has_more = rows.len() as i64 > PAGE_SIZE;
    let rows = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let mut items = rows.iter().map(row_from).collect::<Result<Vec<_>, _>>()?;
    super::labels::fill(db, &mut items).await?;
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

/// The database's plan for a search's index lookup (after its bounded walk), one line per step (for tests and the benchmark
/// that check an index serves it, not a scan). On PostgreSQL sequential scans are
/// disabled for the transaction, so a small test table still shows which indexes apply.
pub async fn plan(
    db: &Db,
    account_id: i64,
    query: &ContactQuery,
    sort: ContactSort,
) -> Result<Vec<String>, AppError> {
    // A search walks first, reading at most WALK_ROWS in index order; what must come
    // from an index is its fallback.
    let sql = build(
        db.backend,
        Lookup::Index,
        account_id,
        Some(query),
        sort,
        None,
    )?;
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
