//! Message search on the database we already have: SQLite's FTS5 with the trigram
//! tokenizer (diacritics removed) and PostgreSQL's trigram GIN index over the folded
//! body (`charla_fold`: lower case, unaccent). Both serve words, fragments and
//! phrases as substrings, newest first, in keyset pages; visibility is the one rule
//! every list uses. Activity lines are not indexed. On PostgreSQL a bounded walk over
//! the newest messages answers common words before the index is asked (as the
//! contact search does).
use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::{snippet, MessageHit, MessageQuery, MessageResults, PAGE};
use crate::auth::permission::{Viewer, VISIBLE};
use crate::db::{Backend, Db};
use crate::domain::ChannelKind;
use crate::error::AppError;
use statement::{bound, build, Built, Key, Order, Walk};

mod dated;
mod statement;

/// Characters of text around the first match in a hit's snippet.
const SNIPPET: usize = 120;
/// PostgreSQL first reads this many newest messages (before the cursor) and filters
/// them: a common word fills a page there at once, where the trigram index would hand
/// over most of the table to be sorted. Fewer hits than a page: the index answers.
const WALK: i64 = 10_000;

/// A page of messages the viewer may see that contain every term, newest first (by
/// id; by their own time inside a date range).
pub async fn messages(
    db: &Db,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<MessageResults, AppError> {
    let limit = limit.clamp(1, PAGE);
    let found = if query.since.is_some() || query.until.is_some() {
        dated::page(db, viewer, query, before, limit).await?
    } else {
        Some(newest(db, viewer, query, before, limit).await?)
    };
    let Some((built, rows)) = found else {
        return Ok(MessageResults {
            items: Vec::new(),
            next: None,
        });
    };
    let mut items = rows
        .iter()
        .map(|row| hit_from(row, &built.terms))
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|hit| hit.message_id)
    } else {
        None
    };
    Ok(MessageResults { items, next })
}

/// Newest first by id, with no date range.
async fn newest(
    db: &Db,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<(Built, Vec<AnyRow>), AppError> {
    let before = before.map(|id| Key { at: 0, id });
    let run = |walk| statement::fetch(db, viewer, query, before, limit, Order::ById, walk);
    if db.backend == Backend::Postgres {
        let walked = run(Walk::Rows(WALK)).await?;
        if walked.1.len() as i64 > limit {
            return Ok(walked);
        }
    }
    run(Walk::All).await
}

fn hit_from(row: &AnyRow, terms: &[String]) -> Result<MessageHit, sqlx::Error> {
    let channel: String = row.try_get("channel_kind")?;
    let direction: String = row.try_get("direction")?;
    let body: String = row.try_get("body")?;
    let name: String = row.try_get("contact_name")?;
    let email: Option<String> = row.try_get("contact_email")?;
    let phone: Option<String> = row.try_get("contact_phone")?;
    let from_customer = direction == "incoming";
    let contact_name = if name.trim().is_empty() {
        email.or(phone).unwrap_or_default()
    } else {
        name
    };
    Ok(MessageHit {
        message_id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        display_id: row.try_get("display_id")?,
        inbox_name: row.try_get("inbox_name")?,
        channel: ChannelKind::parse(&channel).ok_or_else(|| sqlx::Error::Decode(channel.into()))?,
        sender_name: if from_customer {
            Some(contact_name.clone())
        } else {
            row.try_get("agent_name")?
        },
        contact_name,
        from_customer,
        private: crate::db::flag(row, "private")?,
        created_at: row.try_get("created_at")?,
        snippet: snippet(&body, terms, SNIPPET),
    })
}

/// The database's plan for a search (for the test that fails on a scan of messages),
/// and inside a date range also the plan for reading the range's first messages.
/// On PostgreSQL sequential scans are disabled for the transaction, so a small test
/// table still shows which index applies.
pub async fn plan(db: &Db, viewer: Viewer, query: &MessageQuery) -> Result<Vec<String>, AppError> {
    let order = if query.since.is_some() || query.until.is_some() {
        Order::ByDate
    } else {
        Order::ById
    };
    let built = build(db.backend, viewer, query, None, PAGE + 1, order, Walk::All)?;
    let mut tx = db.pool.begin().await?;
    let explain = match db.backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {}", built.sql),
        Backend::Postgres => {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut *tx)
                .await?;
            format!("EXPLAIN {}", built.sql)
        }
    };
    let mut statements = vec![(explain, built.binds)];
    if order == Order::ByDate {
        let (first, binds) = dated::first_of_range(query, None);
        let explain = match db.backend {
            Backend::Sqlite => format!("EXPLAIN QUERY PLAN {first} LIMIT 1000"),
            Backend::Postgres => format!("EXPLAIN {first} LIMIT 1000"),
        };
        statements.push((explain, binds));
    }
    let column = match db.backend {
        Backend::Sqlite => "detail",
        Backend::Postgres => "QUERY PLAN",
    };
    let mut lines = Vec::new();
    for (sql, binds) in &statements {
        for row in bound(sql, binds).fetch_all(&mut *tx).await? {
            lines.push(row.try_get::<String, _>(column)?);
        }
    }
    tx.rollback().await?;
    Ok(lines)
}

/// The conversation with this number, if the viewer may see it.
pub async fn conversation_by_number(
    db: &Db,
    viewer: Viewer,
    display_id: i64,
) -> Result<Option<crate::conversations::model::ConversationSummary>, AppError> {
    use crate::conversations::ssr::access::{summary_from_row, SUMMARY_SELECT};
    let sql = format!("{SUMMARY_SELECT} WHERE {VISIBLE} AND c.display_id = $4");
    let row = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(display_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.as_ref().map(summary_from_row).transpose()?)
}
