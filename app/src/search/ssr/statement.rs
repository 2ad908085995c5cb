//! The one statement every message search runs, in the shapes the two databases and
//! the two orders need.
use crate::auth::permission::{Viewer, VISIBLE};
use crate::db::Backend;
use crate::error::AppError;
use crate::search::model::{terms, MessageQuery, NotesFilter, SenderFilter};

pub(super) enum Bind {
    Int(i64),
    Text(String),
}

pub(super) struct Built {
    pub sql: String,
    pub binds: Vec<Bind>,
    pub terms: Vec<String>,
}

/// A message's place in the order: its time and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key {
    pub at: i64,
    pub id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    /// Newest first by id (no date range): the indexes' own order, no sort.
    ById,
    /// Newest first by the message's time (a date range): read from the range's end.
    ByDate,
}

/// How much of the history a statement may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Walk {
    /// Everything the index finds.
    All,
    /// PostgreSQL: only the first `n` messages in the order (after the cursor).
    Rows(i64),
    /// SQLite: only messages whose id is in `lo..=hi` and that do not come after
    /// `last` in the order (the first messages of the date range, bounded by ids so
    /// the full-text index reads just their part of each list).
    Ids { lo: i64, hi: i64, last: Option<Key> },
}

fn param(binds: &mut Vec<Bind>, value: Bind) -> String {
    binds.push(value);
    format!("${}", binds.len())
}

/// `created_at` inside the query's date range (`since` included, `until` not).
pub(super) fn date_range(query: &MessageQuery, column: &str, binds: &mut Vec<Bind>) -> String {
    let mut sql = String::new();
    if let Some(since) = query.since {
        sql.push_str(&format!(
            " AND {column} >= {}",
            param(binds, Bind::Int(since))
        ));
    }
    if let Some(until) = query.until {
        sql.push_str(&format!(
            " AND {column} < {}",
            param(binds, Bind::Int(until))
        ));
    }
    sql
}

/// The statement for a page of hits after `before` in `order`.
pub(super) fn build(
    backend: Backend,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<Key>,
    limit: i64,
    order: Order,
    walk: Walk,
) -> Result<Built, AppError> {
    let terms = terms(&query.text);
    if terms.is_empty() {
        return Err(AppError::validation("q", "query_too_short"));
    }
    let mut binds = vec![
        Bind::Int(viewer.account_id),
        Bind::Int(viewer.agent_id),
        Bind::Int(viewer.admin as i64),
    ];
    let before_id = param(&mut binds, Bind::Int(before.map_or(i64::MAX, |k| k.id)));
    // Bound only when used: PostgreSQL refuses a parameter it cannot type.
    let before_at = match order {
        Order::ById => String::new(),
        Order::ByDate => param(&mut binds, Bind::Int(before.map_or(i64::MAX, |k| k.at))),
    };
    let (keyset, order_by) = match (order, backend) {
        (Order::ById, Backend::Sqlite) => (
            format!("messages_fts.rowid < {before_id}"),
            "messages_fts.rowid DESC",
        ),
        (Order::ById, Backend::Postgres) => (format!("m.id < {before_id}"), "m.id DESC"),
        (Order::ByDate, _) => (
            format!("(m.created_at, m.id) < ({before_at}, {before_id})"),
            "m.created_at DESC, m.id DESC",
        ),
    };
    let (from, matched) = match backend {
        Backend::Sqlite => {
            // Each term a quoted string: a substring (phrase) match, all of them.
            let expr = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            let p = param(&mut binds, Bind::Text(expr));
            let mut matched = format!("messages_fts MATCH {p} AND {keyset}");
            if let Walk::Ids { lo, hi, last } = walk {
                let lo = param(&mut binds, Bind::Int(lo));
                let hi = param(&mut binds, Bind::Int(hi));
                matched.push_str(&format!(
                    " AND messages_fts.rowid >= {lo} AND messages_fts.rowid <= {hi}"
                ));
                if let Some(last) = last {
                    let at = param(&mut binds, Bind::Int(last.at));
                    let id = param(&mut binds, Bind::Int(last.id));
                    matched.push_str(&format!(" AND (m.created_at, m.id) >= ({at}, {id})"));
                }
            }
            // The full-text index drives (CROSS JOIN keeps it the outer loop).
            (
                "messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid".to_owned(),
                matched,
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
            let from = match (walk, order) {
                (Walk::Rows(n), Order::ById) => format!(
                    "(SELECT * FROM messages WHERE id < {before_id} ORDER BY id DESC LIMIT {n}) m"
                ),
                (Walk::Rows(n), Order::ByDate) => {
                    let range = date_range(query, "created_at", &mut binds);
                    format!(
                        "(SELECT * FROM messages WHERE (created_at, id) < ({before_at}, {before_id}){range} \
                         ORDER BY created_at DESC, id DESC LIMIT {n}) m"
                    )
                }
                _ => "messages m".to_owned(),
            };
            (
                from,
                format!(
                    "{} AND m.direction <> 'activity' AND {keyset}",
                    conditions.join(" AND ")
                ),
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
    filters.push_str(&date_range(query, "m.created_at", &mut binds));
    let limit = param(&mut binds, Bind::Int(limit));
    let sql = format!(
        "SELECT m.id, m.conversation_id, m.direction, m.private, m.body, m.created_at, \
         c.display_id, i.name AS inbox_name, i.channel_kind, ct.name AS contact_name, \
         ct.email AS contact_email, ct.phone_e164 AS contact_phone, \
         COALESCE(NULLIF(a.display_name, ''), a.name) AS agent_name \
         FROM {from} JOIN conversations c ON c.id = m.conversation_id \
         JOIN inboxes i ON i.id = c.inbox_id JOIN contacts ct ON ct.id = c.contact_id \
         LEFT JOIN agents a ON a.id = m.sender_agent_id \
         WHERE {matched} AND {VISIBLE}{filters} ORDER BY {order_by} LIMIT {limit}"
    );
    Ok(Built { sql, binds, terms })
}

pub(super) fn bound<'q>(
    sql: &'q str,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for bind in binds {
        q = match bind {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        };
    }
    q
}

/// One statement of a search, built and run: a page (`limit`, and one more to tell
/// whether another follows) after `before`, in `order`, walking as `walk` says.
pub(super) async fn fetch(
    db: &crate::db::Db,
    viewer: Viewer,
    query: &MessageQuery,
    before: Option<Key>,
    limit: i64,
    order: Order,
    walk: Walk,
) -> Result<(Built, Vec<sqlx::any::AnyRow>), AppError> {
    let built = build(db.backend, viewer, query, before, limit + 1, order, walk)?;
    let rows = bound(&built.sql, &built.binds).fetch_all(&db.pool).await?;
    Ok((built, rows))
}
