//! Conversations as a viewer may see them (the rule itself is `auth::permission`):
//! one conversation or its summary, the list row's columns, the inbox's teammates.
use sqlx::any::AnyRow;
use sqlx::Row;

pub use crate::auth::permission::{Viewer, VISIBLE};
use crate::conversations::model::ConversationSummary;
use crate::db::Db;
use crate::domain::{ChannelKind, ConversationStatus, Priority};
use crate::error::AppError;

/// The columns of a list row; `unread_count` is the viewer's ($2), from the counts
/// kept in the rows (migration 0010) rather than counted per request.
pub const SUMMARY_SELECT: &str = "SELECT c.id, c.display_id, c.inbox_id, i.name AS inbox_name, \
     i.channel_kind, c.contact_id, ct.name AS contact_name, ct.email AS contact_email, \
     ct.phone_e164 AS contact_phone, ct.blocked AS contact_blocked, c.assignee_id, a.name AS assignee_name, c.status, c.snoozed_until, \
     c.last_activity_at, c.last_customer_message_at, c.last_message_preview, \
     c.incoming_count - COALESCE(r.read_incoming, 0) + COALESCE(r.marked_unread, 0) AS unread_count, \
     c.priority, c.created_at, c.waiting_since, c.team_id, (SELECT group_concat(CAST(cl.label_id AS TEXT)) FROM conversation_labels cl \
       WHERE cl.conversation_id = c.id) AS label_ids \
     FROM conversations c JOIN inboxes i ON i.id = c.inbox_id JOIN contacts ct ON ct.id = c.contact_id \
     LEFT JOIN agents a ON a.id = c.assignee_id \
     LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.agent_id = $2";

pub fn summary_from_row(row: &AnyRow) -> Result<ConversationSummary, sqlx::Error> {
    let channel: String = row.try_get("channel_kind")?;
    let status: String = row.try_get("status")?;
    let name: String = row.try_get("contact_name")?;
    let email: Option<String> = row.try_get("contact_email")?;
    let phone: Option<String> = row.try_get("contact_phone")?;
    Ok(ConversationSummary {
        id: row.try_get("id")?,
        display_id: row.try_get("display_id")?,
        inbox_id: row.try_get("inbox_id")?,
        inbox_name: row.try_get("inbox_name")?,
        channel: ChannelKind::parse(&channel).ok_or_else(|| sqlx::Error::Decode(channel.into()))?,
        contact_id: row.try_get("contact_id")?,
        // Anonymous visitors have no name yet: fall back to how we can reach them.
        contact_name: if name.trim().is_empty() {
            email.or(phone).unwrap_or_default()
        } else {
            name
        },
        assignee_id: row.try_get("assignee_id")?,
        assignee_name: row.try_get("assignee_name")?,
        status: ConversationStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(status.into()))?,
        snoozed_until: row.try_get("snoozed_until")?,
        last_activity_at: row.try_get("last_activity_at")?,
        last_customer_message_at: row.try_get("last_customer_message_at")?,
        last_message_preview: row.try_get("last_message_preview")?,
        unread_count: row.try_get("unread_count")?,
        priority: Priority::from_rank(row.try_get("priority")?).unwrap_or_default(),
        label_ids: label_ids(row.try_get("label_ids")?),
        created_at: row.try_get("created_at")?,
        waiting_since: row.try_get("waiting_since")?,
        team_id: row.try_get("team_id")?,
        muted: row.try_get::<i64, _>("contact_blocked")? != 0,
    })
}

/// `group_concat`'s text ("3,1") as sorted ids.
fn label_ids(text: Option<String>) -> Vec<i64> {
    let mut ids: Vec<i64> = text
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids
}

/// The conversation if the viewer may see it, else `NotFound`.
pub async fn visible_conversation(
    db: &Db,
    viewer: Viewer,
    id: i64,
) -> Result<ConversationSummary, AppError> {
    let sql = format!("{SUMMARY_SELECT} WHERE {VISIBLE} AND c.id = $4");
    let row = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(row) => Ok(summary_from_row(&row)?),
        None => Err(AppError::NotFound),
    }
}

/// Re-reads a conversation inside a write transaction, for the events it emits
/// (which carry no per-agent unread count).
pub async fn summary_in_tx(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<ConversationSummary, sqlx::Error> {
    Ok(summary_and_account_in_tx(conn, id).await?.0)
}

/// [`summary_in_tx`] with the conversation's account, in the same statement.
pub async fn summary_and_account_in_tx(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<(ConversationSummary, i64), sqlx::Error> {
    let sql = format!(
        "{} WHERE c.id = $1",
        SUMMARY_SELECT.replacen("SELECT ", "SELECT c.account_id, ", 1)
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(0_i64) // $2, the unread viewer: nobody
        .fetch_one(conn)
        .await?;
    let mut summary = summary_from_row(&row)?;
    summary.unread_count = 0;
    Ok((summary, row.try_get("account_id")?))
}

/// Agents who can see an inbox: its members and every administrator.
pub async fn inbox_teammates(
    db: &Db,
    account_id: i64,
    inbox_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT a.id, a.name FROM agents a WHERE a.account_id = $1 AND a.active = 1 AND \
         (a.role = 'administrator' OR a.id IN (SELECT agent_id FROM inbox_members WHERE inbox_id = $2)) \
         ORDER BY a.name, a.id",
    )
    .bind(account_id)
    .bind(inbox_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

/// A conversation's internal id from its number in the account (`#12`), if it exists.
pub async fn by_number(db: &Db, account_id: i64, display_id: i64) -> Result<i64, AppError> {
    sqlx::query("SELECT id FROM conversations WHERE account_id = $1 AND display_id = $2")
        .bind(account_id)
        .bind(display_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
        .ok_or(AppError::NotFound)
}
