//! A search inside a date range: newest first by the messages' own time, read from the
//! range's newest end through the `(created_at, id)` index. A day in the middle of five
//! million messages then costs what the newest day does, where walking every match
//! newer than the range (the full-text index's own order) grew with the history.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::statement::{self, bound, build, date_range, Bind, Built, Key, Order, Walk};
use crate::auth::permission::Viewer;
use crate::db::{Backend, Db};
use crate::error::AppError;
use crate::search::model::MessageQuery;

/// SQLite reads the range's first messages in these steps: the full-text index then
/// reads only their stretch of each term's list (by id), and a page that fills there
/// is the answer. A term too rare in them goes to the whole range.
const SQLITE_WALKS: [i64; 2] = [1_000, 20_000];
/// PostgreSQL filters the range's first messages itself (folding each body costs a few
/// microseconds: a common word fills a page within the first few hundred).
const POSTGRES_WALKS: [i64; 2] = [500, 10_000];

/// The first messages of the range after the cursor.
struct Stretch {
    count: i64,
    ids: Option<(i64, i64)>,
    /// The last of them in the order, when the range holds more.
    last: Option<Key>,
}

/// A page of hits (the statement that found them and its rows); `None` when the
/// cursor's message is gone (the page it ended can no longer be continued).
pub(super) async fn page(
    db: &Db,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<Option<(Built, Vec<AnyRow>)>, AppError> {
    let before = match before {
        None => None,
        Some(id) => match cursor(db, id).await? {
            Some(key) => Some(key),
            None => return Ok(None),
        },
    };
    let run = |walk| statement::fetch(db, viewer, query, before, limit, Order::ByDate, walk);
    match db.backend {
        Backend::Sqlite => {
            for rows in SQLITE_WALKS {
                let stretch = stretch(db, query, before, rows).await?;
                let Some((lo, hi)) = stretch.ids else {
                    // Nothing in the range after the cursor: no statement needs to run.
                    let built = build(
                        db.backend,
                        viewer,
                        query,
                        before,
                        limit + 1,
                        Order::ByDate,
                        Walk::All,
                    )?;
                    return Ok(Some((built, Vec::new())));
                };
                let exhausted = stretch.count < rows;
                let found = run(Walk::Ids {
                    lo,
                    hi,
                    last: stretch.last,
                })
                .await?;
                if exhausted || found.1.len() as i64 > limit {
                    return Ok(Some(found));
                }
            }
        }
        Backend::Postgres => {
            for rows in POSTGRES_WALKS {
                let found = run(Walk::Rows(rows)).await?;
                if found.1.len() as i64 > limit
                    || stretch(db, query, before, rows).await?.count < rows
                {
                    return Ok(Some(found));
                }
            }
        }
    }
    Ok(Some(run(Walk::All).await?))
}

/// Where the page after message `id` starts in the date order.
async fn cursor(db: &Db, id: i64) -> Result<Option<Key>, AppError> {
    let at: Option<i64> = sqlx::query_scalar("SELECT created_at FROM messages WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(at.map(|at| Key { at, id }))
}

/// The range's messages after the cursor in the date order (their time and id only),
/// for the date index alone to answer.
pub(super) fn first_of_range(query: &MessageQuery, before: Option<Key>) -> (String, Vec<Bind>) {
    let before = before.unwrap_or(Key {
        at: i64::MAX,
        id: i64::MAX,
    });
    let mut binds = vec![Bind::Int(before.at), Bind::Int(before.id)];
    let range = date_range(query, "created_at", &mut binds);
    let first = format!(
        "SELECT created_at, id FROM messages WHERE (created_at, id) < ($1, $2){range} \
         ORDER BY created_at DESC, id DESC"
    );
    (first, binds)
}

/// The first `rows` messages of the range after the cursor, by the date index alone.
async fn stretch(
    db: &Db,
    query: &MessageQuery,
    before: Option<Key>,
    rows: i64,
) -> Result<Stretch, AppError> {
    let (first, binds) = first_of_range(query, before);
    let sql =
        format!("SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM ({first} LIMIT {rows}) w");
    let row = bound(&sql, &binds).fetch_one(&db.pool).await?;
    let count: i64 = row.try_get("n")?;
    let lo: Option<i64> = row.try_get("lo")?;
    let hi: Option<i64> = row.try_get("hi")?;
    let last = if count == rows {
        let sql = format!("{first} LIMIT 1 OFFSET {}", rows - 1);
        bound(&sql, &binds)
            .fetch_optional(&db.pool)
            .await?
            .map(|row| {
                Ok::<_, sqlx::Error>(Key {
                    at: row.try_get("created_at")?,
                    id: row.try_get("id")?,
                })
            })
            .transpose()?
    } else {
        None
    };
    Ok(Stretch {
        count,
        ids: lo.zip(hi),
        last,
    })
}
