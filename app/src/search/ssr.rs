//! Message search on the database we already have: SQLite's FTS5 with the trigram
//! tokenizer (diacritics removed) and PostgreSQL's trigram GIN index over the folded
//! body (`charla_fold`: lower case, unaccent). Both serve words, fragments and
//! phrases as substrings, newest first, in keyset pages; visibility is the one rule
//! every list uses. Activity lines are not indexed. On PostgreSQL a bounded walk over
//! the newest messages answers common words before the index is asked (as the
//! contact search does).
use sqlx::any::AnyRow;
use sqlx::Row;

use super::model::{
    snippet, terms, MessageHit, MessageQuery, MessageResults, NotesFilter, SenderFilter, PAGE,
};
use crate::auth::permission::{Viewer, VISIBLE};
use crate::db::{Backend, Db};
use crate::domain::ChannelKind;
use crate::error::AppError;

/// Characters of text around the first match in a hit's snippet.
const SNIPPET: usize = 120;
/// PostgreSQL first reads this many newest messages (before the cursor) and filters
/// them: a common word fills a page there at once, where the trigram index would hand
/// over most of the table to be sorted. Fewer hits than a page: the index answers.
const WALK: i64 = 10_000;

enum Bind {
    Int(i64),
    Text(String),
}

struct Built {
    sql: String,
    binds: Vec<Bind>,
    terms: Vec<String>,
}

/// The statement for a page of hits before message `before` (newest first).
fn build(
    backend: Backend,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<i64>,
    limit: i64,
    walk: bool,
) -> Result<Built, AppError> {
    let terms = terms(&query.text);
    if terms.is_empty() {
        return Err(AppError::validation("q", "query_too_short"));
    }
    let mut binds = vec![
        Bind::Int(viewer.account_id),
        Bind::Int(viewer.agent_id),
        Bind::Int(viewer.admin as i64),
        Bind::Int(before.unwrap_or(i64::MAX)),
    ];
    let param = |binds: &mut Vec<Bind>, value: Bind| {
        binds.push(value);
        format!("${}", binds.len())
    };
    let (from, matched, order) = match backend {
        Backend::Sqlite => {
            // Each term a quoted string: a substring (phrase) match, all of them.
            let expr = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            let p = param(&mut binds, Bind::Text(expr));
            (
                "messages_fts JOIN messages m ON m.id = messages_fts.rowid".to_owned(),
                format!("messages_fts MATCH {p} AND messages_fts.rowid < $4"),
                "messages_fts.rowid DESC",
            )
        }
        Backend::Postgres => {
            let mut conditions = Vec::new();
            for term in &terms {
                let escaped = term
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let p = param(&mut binds, Bind::Text(format!("%{escaped}%")));
                conditions.push(format!("charla_fold(m.body) LIKE {p}"));
            }
            let from = if walk {
                format!("(SELECT * FROM messages WHERE id < $4 ORDER BY id DESC LIMIT {WALK}) m")
            } else {
                "messages m".to_owned()
            };
            (
                from,
                format!(
                    "{} AND m.direction <> 'activity' AND m.id < $4",
                    conditions.join(" AND ")
                ),
                "m.id DESC",
            )
        }
    };
    let mut filters = String::new();
    if let Some(inbox) = query.inbox_id {
        filters.push_str(&format!(
            " AND c.inbox_id = {}",
            param(&mut binds, Bind::Int(inbox))
        ));
    }
    if let Some(channel) = query.channel {
        filters.push_str(&format!(
            " AND i.channel_kind = {}",
            param(&mut binds, Bind::Text(channel.as_str().into()))
        ));
    }
    match (query.agent_id, query.sender) {
        (Some(agent), _) => filters.push_str(&format!(
            " AND m.sender_agent_id = {}",
            param(&mut binds, Bind::Int(agent))
        )),
        (None, SenderFilter::Customer) => filters.push_str(" AND m.direction = 'incoming'"),
        (None, SenderFilter::Agents) => filters.push_str(" AND m.direction = 'outgoing'"),
        (None, SenderFilter::Anyone) => {}
    }
    match query.notes {
        NotesFilter::OnlyNotes => filters.push_str(" AND m.private = 1"),
        NotesFilter::NoNotes => filters.push_str(" AND m.private = 0"),
        NotesFilter::Both => {}
    }
    if let Some(since) = query.since {
        filters.push_str(&format!(
            " AND m.created_at >= {}",
            param(&mut binds, Bind::Int(since))
        ));
    }
    if let Some(until) = query.until {
        filters.push_str(&format!(
            " AND m.created_at < {}",
            param(&mut binds, Bind::Int(until))
        ));
    }
    let limit = param(&mut binds, Bind::Int(limit));
    let sql = format!(
        "SELECT m.id, m.conversation_id, m.direction, m.private, m.body, m.created_at, \
         c.display_id, i.name AS inbox_name, i.channel_kind, ct.name AS contact_name, \
         ct.email AS contact_email, ct.phone_e164 AS contact_phone, \
         COALESCE(NULLIF(a.display_name, ''), a.name) AS agent_name \
         FROM {from} JOIN conversations c ON c.id = m.conversation_id \
         JOIN inboxes i ON i.id = c.inbox_id JOIN contacts ct ON ct.id = c.contact_id \
         LEFT JOIN agents a ON a.id = m.sender_agent_id \
         WHERE {matched} AND {VISIBLE}{filters} ORDER BY {order} LIMIT {limit}"
    );
    Ok(Built { sql, binds, terms })
}

fn bound(built: &Built) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    let mut q = sqlx::query(&built.sql);
    for bind in &built.binds {
        q = match bind {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        };
    }
    q
}

/// A page of messages the viewer may see that contain every term, newest first.
pub async fn messages(
    db: &Db,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<MessageResults, AppError> {
    let limit = limit.clamp(1, PAGE);
    let mut answered = None;
    if db.backend == Backend::Postgres {
        let walked = build(db.backend, viewer, query, before, limit + 1, true)?;
        let rows = bound(&walked).fetch_all(&db.pool).await?;
        if rows.len() as i64 > limit {
            answered = Some((walked, rows));
        }
    }
    let (built, rows) = match answered {
        Some(done) => done,
        None => {
            let built = build(db.backend, viewer, query, before, limit + 1, false)?;
            let rows = bound(&built).fetch_all(&db.pool).await?;
            (built, rows)
        }
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

/// The database's plan for a search (for the test that fails on a scan of messages).
/// On PostgreSQL sequential scans are disabled for the transaction, so a small test
/// table still shows which index applies.
pub async fn plan(db: &Db, viewer: Viewer, query: &MessageQuery) -> Result<Vec<String>, AppError> {
    let built = build(db.backend, viewer, query, None, PAGE + 1, false)?;
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
    let plan = Built {
        sql: explain,
        binds: built.binds,
        terms: built.terms,
    };
    let rows = bound(&plan).fetch_all(&mut *tx).await?;
    let column = match db.backend {
        Backend::Sqlite => "detail",
        Backend::Postgres => "QUERY PLAN",
    };
    let lines = rows
        .iter()
        .map(|row| row.try_get::<String, _>(column))
        .collect::<Result<_, _>>()?;
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
