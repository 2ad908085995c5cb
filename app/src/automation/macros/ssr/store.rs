//! Macros at rest (`macros`): an agent sees the account's global ones and her own;
//! she changes or deletes her own, and an administrator the global ones too. Saved
//! whole once checked (a bad macro changes nothing), all within the account.
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::automation::macros::model::Macro;
use crate::automation::ssr::references::{first_missing, named_in_actions};
use crate::conversations::ssr::templates::offered_templates;
use crate::db::{now_ms, Db};
use crate::domain::automation::macros::{MacroInput, Visibility};
use crate::error::AppError;

/// The most macros an account keeps.
pub const MAX_MACROS: i64 = 500;

const COLUMNS: &str = "id, name, visibility, actions, created_by_agent_id, created_at, updated_at";

/// What an agent may change (`$agent` her id, `$admin` 1 for an administrator): her
/// own, and the shared ones if she is an administrator.
fn editable(agent: u8, admin: u8) -> String {
    format!("(created_by_agent_id = ${agent} OR (visibility = 'global' AND ${admin} = 1))")
}

/// What an agent may see: global ones and her own.
const VISIBLE: &str = "account_id = $1 AND (visibility = 'global' OR created_by_agent_id = $2)";

fn editable_by(agent: &AgentProfile, visibility: Visibility, author: Option<i64>) -> bool {
    author == Some(agent.id) || (visibility == Visibility::Global && agent.role.is_admin())
}

fn macro_from_row(agent: &AgentProfile, row: &sqlx::any::AnyRow) -> Result<Macro, AppError> {
    let visibility: String = row.try_get("visibility")?;
    let visibility = Visibility::parse(&visibility).unwrap_or_default();
    let actions: String = row.try_get("actions")?;
    let author: Option<i64> = row.try_get("created_by_agent_id")?;
    Ok(Macro {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        visibility,
        actions: serde_json::from_str(&actions).unwrap_or_default(),
        created_by_id: author,
        editable: editable_by(agent, visibility, author),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The macros the agent may run, by name.
pub async fn list(db: &Db, agent: &AgentProfile) -> Result<Vec<Macro>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM macros WHERE {VISIBLE} ORDER BY LOWER(name), id"
    ))
    .bind(agent.account_id)
    .bind(agent.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| macro_from_row(agent, r)).collect()
}

/// One macro the agent may see (another's personal one is not found).
pub async fn get(db: &Db, agent: &AgentProfile, id: i64) -> Result<Macro, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM macros WHERE id = $3 AND {VISIBLE}"
    ))
    .bind(agent.account_id)
    .bind(agent.id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    macro_from_row(agent, &row)
}

/// Creates (`id: None`) or replaces a macro the agent may change.
pub async fn save(
    db: &Db,
    agent: &AgentProfile,
    id: Option<i64>,
    input: &MacroInput,
) -> Result<Macro, AppError> {
    let checked = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    {
        let mut conn = db.pool.acquire().await?;
        let named = named_in_actions(&checked.actions);
        if let Some((part, _)) = first_missing(&mut conn, agent.account_id, &named).await? {
            return Err(AppError::validation(part, "unknown_reference"));
        }
    }
    let actions = serde_json::to_string(&input.actions).map_err(|_| AppError::Internal)?;
    if let Some(id) = id {
        let current = get(db, agent, id).await?;
        // Making a global one personal would take it from the team: its author's call
        // alone.
        let allowed = current.editable
            && (checked.visibility == Visibility::Global
                || current.created_by_id == Some(agent.id));
        if !allowed {
            return Err(AppError::Forbidden);
        }
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = match id {
        Some(id) => {
            // Who may change it is asked again in the write itself: it may have changed
            // hands (been made personal by its author) since it was read.
            let changed = sqlx::query(&format!(
                "UPDATE macros SET name = $1, visibility = $2, actions = $3, updated_at = $4 \
                 WHERE id = $5 AND account_id = $6 AND {}",
                editable(7, 8)
            ))
            .bind(&checked.name)
            .bind(checked.visibility.as_str())
            .bind(&actions)
            .bind(now)
            .bind(id)
            .bind(agent.account_id)
            .bind(agent.id)
            .bind(i64::from(agent.role.is_admin()))
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::Forbidden);
            }
            id
        }
        None => {
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM macros WHERE account_id = $1")
                    .bind(agent.account_id)
                    .fetch_one(tx.conn())
                    .await?;
            if count >= MAX_MACROS {
                return Err(AppError::validation("macros", "too_many"));
            }
            sqlx::query_scalar(
                "INSERT INTO macros (account_id, name, visibility, actions, created_by_agent_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(agent.account_id)
            .bind(&checked.name)
            .bind(checked.visibility.as_str())
            .bind(&actions)
            .bind(agent.id)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
        }
    };
    tx.finish().await?;
    get(db, agent, id).await
}

/// Deletes a macro the agent may change (what it did stays in the conversations).
pub async fn remove(db: &Db, agent: &AgentProfile, id: i64) -> Result<(), AppError> {
    if !get(db, agent, id).await?.editable {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let gone = sqlx::query(&format!(
        "DELETE FROM macros WHERE id = $1 AND account_id = $2 AND {}",
        editable(3, 4)
    ))
    .bind(id)
    .bind(agent.account_id)
    .bind(agent.id)
    .bind(i64::from(agent.role.is_admin()))
    .execute(tx.conn())
    .await?;
    if gone.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    tx.finish().await?;
    Ok(())
}

/// The templates a rule or macro can send, `(name, language)`, of the WhatsApp inboxes
/// the agent sees: approved, and needing no file (a media header's file is an agent's
/// upload); once each (the same template synced into two inboxes is one choice).
pub async fn templates(db: &Db, agent: &AgentProfile) -> Result<Vec<(String, String)>, AppError> {
    let inboxes: Vec<i64> = sqlx::query_scalar(
        "SELECT i.id FROM inboxes i WHERE i.account_id = $1 AND i.channel_kind = 'whatsapp' \
         AND ($2 = 1 OR i.id IN (SELECT inbox_id FROM inbox_members WHERE agent_id = $3)) ORDER BY i.id",
    )
    .bind(agent.account_id)
    .bind(i64::from(agent.role.is_admin()))
    .bind(agent.id)
    .fetch_all(&db.pool)
    .await?;
    let mut found = std::collections::BTreeSet::new();
    for inbox in inboxes {
        for template in offered_templates(db, inbox).await? {
            if template.can_send() && template.header_media.is_none() {
                found.insert((template.name, template.language));
            }
        }
    }
    Ok(found.into_iter().collect())
}
