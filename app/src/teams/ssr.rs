//! The teams' repository: the one owner of `teams` and `team_members`. A change tells
//! every open dashboard of the account to reload its teams (`TeamsChanged`).
use sqlx::Row;

use super::model::{parse_description, parse_name, Team};
use crate::db::{now_ms, placeholders, Db, WriteTx};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

fn team_from_row(row: &sqlx::any::AnyRow) -> Result<Team, sqlx::Error> {
    let members: Option<String> = row.try_get("member_ids")?;
    let mut member_ids: Vec<i64> = members
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    member_ids.sort_unstable();
    Ok(Team {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        member_ids,
    })
}

const TEAM_SELECT: &str = "SELECT t.id, t.name, t.description, \
     (SELECT group_concat(CAST(m.agent_id AS TEXT)) FROM team_members m WHERE m.team_id = t.id) AS member_ids \
     FROM teams t";

/// The account's teams, by name, with their members.
pub async fn list(db: &Db, account_id: i64) -> Result<Vec<Team>, AppError> {
    let rows = sqlx::query(&format!(
        "{TEAM_SELECT} WHERE t.account_id = $1 ORDER BY t.name, t.id"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(team_from_row)
        .collect::<Result<_, sqlx::Error>>()?)
}

async fn one_in_tx(tx: &mut WriteTx, account_id: i64, id: i64) -> Result<Team, AppError> {
    let row = sqlx::query(&format!(
        "{TEAM_SELECT} WHERE t.id = $1 AND t.account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(tx.conn())
    .await?;
    match row {
        Some(row) => Ok(team_from_row(&row)?),
        None => Err(AppError::NotFound),
    }
}

/// Whether a team of this account exists (inside a write transaction, so a team
/// deleted meanwhile is not put on a conversation).
pub async fn exists(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM teams WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    Ok(found.is_some())
}

/// Creates (`id: None`) or renames a team; a name the account already uses (in any
/// case) is a conflict.
pub async fn save(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    id: Option<i64>,
    name: &str,
    description: &str,
) -> Result<Team, AppError> {
    let name = parse_name(name).map_err(|c| AppError::validation("name", c))?;
    let description =
        parse_description(description).map_err(|c| AppError::validation("description", c))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT name FROM teams WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(id.unwrap_or(0))
            .fetch_all(tx.conn())
            .await?;
    if taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        return Err(AppError::Conflict {
            field: "name".into(),
        });
    }
    let id: i64 = match id {
        None => {
            sqlx::query_scalar(
                "INSERT INTO teams (account_id, name, description, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(account_id)
            .bind(&name)
            .bind(&description)
            .bind(now)
            .fetch_one(tx.conn())
            .await?
        }
        Some(id) => {
            let done = sqlx::query(
                "UPDATE teams SET name = $1, description = $2, updated_at = $3 WHERE id = $4 AND account_id = $5",
            )
            .bind(&name)
            .bind(&description)
            .bind(now)
            .bind(id)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
    };
    let team = one_in_tx(&mut tx, account_id, id).await?;
    changed(tx, hub, account_id).await?;
    Ok(team)
}

/// Exactly these members (active agents of the account); anyone else refuses the
/// change as a whole.
pub async fn set_members(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    id: i64,
    agent_ids: &[i64],
) -> Result<Team, AppError> {
    let mut wanted = agent_ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut tx = db.begin_write().await?;
    let before = one_in_tx(&mut tx, account_id, id).await?;
    // Those joining must be active agents of the account; a deactivated member kept
    // on stays as she is.
    let joining: Vec<i64> = wanted
        .iter()
        .filter(|a| !before.member_ids.contains(a))
        .copied()
        .collect();
    if !joining.is_empty() {
        let sql = format!(
            "SELECT id FROM agents WHERE account_id = $1 AND active = 1 AND id IN ({})",
            placeholders(2, joining.len())
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(account_id);
        for agent in &joining {
            query = query.bind(agent);
        }
        if query.fetch_all(tx.conn()).await?.len() != joining.len() {
            return Err(AppError::validation("members", "invalid"));
        }
    }
    let now = now_ms();
    for gone in before.member_ids.iter().filter(|a| !wanted.contains(a)) {
        sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND agent_id = $2")
            .bind(id)
            .bind(gone)
            .execute(tx.conn())
            .await?;
    }
    for added in wanted.iter().filter(|a| !before.member_ids.contains(a)) {
        sqlx::query(
            "INSERT INTO team_members (team_id, agent_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (team_id, agent_id) DO NOTHING",
        )
        .bind(id)
        .bind(added)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    let team = one_in_tx(&mut tx, account_id, id).await?;
    changed(tx, hub, account_id).await?;
    Ok(team)
}

/// Deletes a team; its conversations stay, without a team.
pub async fn remove(db: &Db, hub: &Hub, account_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM teams WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    changed(tx, hub, account_id).await
}

async fn changed(mut tx: WriteTx, hub: &Hub, account_id: i64) -> Result<(), AppError> {
    tx.append_event(
        account_id,
        EventScope::default(),
        LiveEvent::TeamsChanged {},
    )
    .await?;
    hub.commit(tx).await?;
    Ok(())
}
