//! Creating and renaming inboxes (administrators).
use sqlx::Row;

use crate::agents::model::AgentProfile;
use crate::auth::permission::require_admin;
use crate::db::{now_ms, Db};
use crate::domain::name::clean_name;
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::inboxes::model::InboxView;

/// Creates an inbox of any kind (a web-chat inbox gets its public token).
pub async fn create_inbox(
    db: &Db,
    admin: &AgentProfile,
    name: &str,
    channel: ChannelKind,
) -> Result<i64, AppError> {
    require_admin(admin)?;
    let name = clean_name(name, "name")?;
    let now = now_ms();
    // Web chats' widget token; API inboxes' Client API identifier.
    let token = matches!(channel, ChannelKind::WebChat | ChannelKind::Api)
        .then(crate::secrets::token::new_token);
    let settings = match channel {
        ChannelKind::WebChat => {
            serde_json::json!({"colour": "#1f6feb", "greeting": "", "allowed_origins": []})
        }
        ChannelKind::Api => serde_json::json!({"webhook_url": ""}),
        _ => serde_json::json!({}),
    };
    // New inboxes hand their conversations out by themselves (Ajustes can turn it off).
    let mut settings = settings;
    settings["auto_assign"] = true.into();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO inboxes (account_id, name, channel_kind, web_token, settings, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(admin.account_id)
    .bind(&name)
    .bind(channel.as_str())
    .bind(token)
    .bind(settings.to_string())
    .bind(now)
    .fetch_one(tx.conn())
    .await?
    .try_get("id")?;
    tx.finish().await?;
    Ok(id)
}

pub async fn rename_inbox(
    db: &Db,
    admin: &AgentProfile,
    inbox_id: i64,
    name: &str,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let name = clean_name(name, "name")?;
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE inboxes SET name = $1, updated_at = $2 WHERE id = $3 AND account_id = $4",
    )
    .bind(&name)
    .bind(now_ms())
    .bind(inbox_id)
    .bind(admin.account_id)
    .execute(tx.conn())
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.finish().await?;
    Ok(())
}

/// The inboxes the agent works (administrators: all of the account).
pub async fn mine(db: &Db, agent: &AgentProfile) -> Result<Vec<InboxView>, AppError> {
    let rows = sqlx::query(
        "SELECT i.id, i.name, i.channel_kind, i.web_token FROM inboxes i WHERE i.account_id = $1 \
         AND ($2 = 1 OR i.id IN (SELECT inbox_id FROM inbox_members WHERE agent_id = $3)) ORDER BY i.name, i.id",
    )
    .bind(agent.account_id)
    .bind(agent.role.is_admin() as i64)
    .bind(agent.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("channel_kind")?;
            Ok(InboxView {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                channel: ChannelKind::parse(&kind)
                    .ok_or_else(|| sqlx::Error::Decode(kind.into()))?,
                web_token: r.try_get("web_token")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}
