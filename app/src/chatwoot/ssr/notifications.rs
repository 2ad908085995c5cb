//! Chatwoot's notifications API (`/notifications`), which its mobile app and dashboard
//! read: the caller's own bell — pages of 15, the latest first, with her unread count —
//! marked read one by one, all at once or for one conversation, unread again, or
//! deleted. As the bell, only notifications of conversations she may see now.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::conversations::{shape_with, Catalog};
use super::Caller;
use crate::agents::model::AgentProfile;
use crate::auth::permission::VISIBLE;
use crate::chatwoot::model as cw;
use crate::conversations::ssr::access::{summary_from_row, SUMMARY_SELECT};
use crate::db::now_ms;
use crate::error::AppError;
use crate::notifications::model::NotificationKind;
use crate::notifications::ssr::texts;
use crate::ui::time::iso_instant;

/// Chatwoot's page size.
pub const PER_PAGE: i64 = 15;

/// Chatwoot's name of a kind.
pub fn notification_type(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Mention => "conversation_mention",
        NotificationKind::Assigned => "conversation_assignment",
        NotificationKind::NewConversation => "conversation_creation",
        NotificationKind::CustomerReply => "assigned_conversation_new_message",
    }
}

fn sender(agent: &AgentProfile) -> cw::UserSender {
    cw::UserSender {
        id: agent.id,
        name: agent.name.clone(),
        available_name: agent.shown_name().to_owned(),
        avatar_url: String::new(),
        kind: "user",
        availability_status: agent.availability.as_str(),
        thumbnail: String::new(),
    }
}

/// Hers, in this account (`$1` account, `$2` her); `VISIBLE` beside it, with `$3`
/// administrator, keeps to conversations she may see now.
const MINE: &str = "FROM notifications n JOIN conversations c ON c.id = n.conversation_id \
     WHERE n.agent_id = $2 AND n.account_id = $1";

struct Stored {
    id: i64,
    kind: NotificationKind,
    conversation_id: i64,
    display_id: i64,
    actor: Option<i64>,
    /// The teammate's name even after she left the team, as the bell shows it.
    actor_name: Option<String>,
    contact_name: String,
    read_at: Option<i64>,
    created_at: i64,
}

fn row_of(row: &AnyRow) -> Result<Stored, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Stored {
        id: row.try_get("id")?,
        kind: NotificationKind::parse(&kind).unwrap_or_default(),
        conversation_id: row.try_get("conversation_id")?,
        display_id: row.try_get("display_id")?,
        actor: row.try_get("actor_agent_id")?,
        actor_name: row.try_get("actor_name")?,
        contact_name: row.try_get("contact_name")?,
        read_at: row.try_get("read_at")?,
        created_at: row.try_get("created_at")?,
    })
}

const COLUMNS: &str = "SELECT n.id, n.kind, n.conversation_id, c.display_id, n.actor_agent_id, \
     (SELECT COALESCE(NULLIF(a.display_name, ''), a.name) FROM agents a WHERE a.id = n.actor_agent_id) \
     AS actor_name, (SELECT ct.name FROM contacts ct WHERE ct.id = c.contact_id) AS contact_name, \
     n.read_at, n.created_at";

/// Rows in Chatwoot's shape, their conversations read once.
async fn shape(caller: &Caller<'_>, rows: Vec<Stored>) -> Result<Vec<cw::Notification>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let viewer = caller.viewer();
    let ids: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let listed = (0..ids.len())
        .map(|i| format!("${}", i + 4))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("{SUMMARY_SELECT} WHERE {VISIBLE} AND c.id IN ({listed})");
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64);
    for id in &ids {
        query = query.bind(*id);
    }
    let summaries = query
        .fetch_all(&caller.db().pool)
        .await?
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let catalog = Catalog::load(caller).await?;
    let conversations = shape_with(caller, &catalog, summaries.clone()).await?;
    let locale: Option<String> = sqlx::query_scalar("SELECT locale FROM agents WHERE id = $1")
        .bind(caller.agent.id)
        .fetch_optional(&caller.db().pool)
        .await?
        .flatten();
    let locale = locale.unwrap_or_default();
    let me = sender(caller.agent);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let at = summaries.iter().position(|s| s.id == row.conversation_id)?;
            let name = row.actor_name.as_deref().unwrap_or(&row.contact_name);
            // A teammate since deactivated is named, offline, as the bell names her.
            let actor = row.actor.map(|id| {
                catalog.agents.iter().find(|a| a.id == id).map_or_else(
                    || cw::UserSender {
                        id,
                        name: name.to_owned(),
                        available_name: name.to_owned(),
                        avatar_url: String::new(),
                        kind: "user",
                        availability_status: "offline",
                        thumbnail: String::new(),
                    },
                    sender,
                )
            });
            Some(cw::Notification {
                id: row.id,
                notification_type: notification_type(row.kind),
                push_message_title: texts::title(row.kind, &locale, row.display_id, name),
                primary_actor_type: "Conversation",
                primary_actor_id: row.display_id,
                primary_actor: conversations[at].clone(),
                read_at: row.read_at.map(iso_instant),
                secondary_actor: actor,
                user: me.clone(),
                created_at: row.created_at.div_euclid(1000),
                last_activity_at: row.created_at.div_euclid(1000),
                meta: serde_json::json!({}),
            })
        })
        .collect())
}

/// Page `page` (from 1) of her notifications, with her unread count and the total.
pub async fn page(caller: &Caller<'_>, page: i64) -> Result<cw::NotificationPage, AppError> {
    let page = page.max(1);
    let viewer = caller.viewer();
    let db = &caller.db().pool;
    let (count, unread): (i64, i64) = sqlx::query_as(&format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN n.read_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
         {MINE} AND {VISIBLE}"
    ))
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .bind(viewer.admin as i64)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(&format!(
        "{COLUMNS} {MINE} AND {VISIBLE} ORDER BY n.id DESC LIMIT {PER_PAGE} OFFSET $4"
    ))
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .bind(viewer.admin as i64)
    .bind((page - 1).saturating_mul(PER_PAGE))
    .fetch_all(db)
    .await?
    .iter()
    .map(row_of)
    .collect::<Result<Vec<_>, _>>()?;
    Ok(cw::NotificationPage {
        data: cw::NotificationData {
            meta: cw::NotificationMeta {
                unread_count: unread,
                count,
                current_page: page,
            },
            payload: shape(caller, rows).await?,
        },
    })
}

/// How many of hers she has not read.
pub async fn unread_count(caller: &Caller<'_>) -> Result<i64, AppError> {
    let viewer = caller.viewer();
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) {MINE} AND {VISIBLE} AND n.read_at IS NULL"
    ))
    .bind(viewer.account_id)
    .bind(viewer.agent_id)
    .bind(viewer.admin as i64)
    .fetch_one(&caller.db().pool)
    .await?)
}

/// One of hers, of a conversation she may see (else not found).
pub async fn one(caller: &Caller<'_>, id: i64) -> Result<cw::Notification, AppError> {
    let viewer = caller.viewer();
    let row = sqlx::query(&format!("{COLUMNS} {MINE} AND {VISIBLE} AND n.id = $4"))
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(id)
        .fetch_optional(&caller.db().pool)
        .await?
        .ok_or(AppError::NotFound)?;
    shape(caller, vec![row_of(&row)?])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Marks one of hers read (`read: true`) or unread again, and answers it.
pub async fn mark(caller: &Caller<'_>, id: i64, read: bool) -> Result<cw::Notification, AppError> {
    one(caller, id).await?;
    let mut tx = caller.db().begin_write().await?;
    sqlx::query(
        "UPDATE notifications SET read_at = CASE WHEN $1 = 1 THEN COALESCE(read_at, $2) ELSE NULL END \
         WHERE id = $3 AND agent_id = $4",
    )
    .bind(read as i64)
    .bind(now_ms())
    .bind(id)
    .bind(caller.agent.id)
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    one(caller, id).await
}

/// Marks all of hers read, or (`conversation`: its number) those of one conversation.
pub async fn read_all(caller: &Caller<'_>, conversation: Option<i64>) -> Result<(), AppError> {
    let only = match conversation {
        Some(number) => Some(super::conversations::resolve(caller, number).await?.id),
        None => None,
    };
    let mut tx = caller.db().begin_write().await?;
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND account_id = $3 \
         AND read_at IS NULL AND ($4 = 0 OR conversation_id = $5)",
    )
    .bind(now_ms())
    .bind(caller.agent.id)
    .bind(caller.agent.account_id)
    .bind(only.is_some() as i64)
    .bind(only.unwrap_or(0))
    .execute(tx.conn())
    .await?;
    tx.finish().await?;
    Ok(())
}

/// Deletes one of hers.
pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    one(caller, id).await?;
    let mut tx = caller.db().begin_write().await?;
    sqlx::query("DELETE FROM notifications WHERE id = $1 AND agent_id = $2")
        .bind(id)
        .bind(caller.agent.id)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    Ok(())
}
