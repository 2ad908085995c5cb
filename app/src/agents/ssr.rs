//! Agent queries and the availability service.
use sqlx::any::AnyRow;
use sqlx::Row;

use super::AgentProfile;
use crate::db::{now_ms, Db};
use crate::domain::{Availability, Role};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Builds a profile from a row with the `agents` columns id, account_id, email,
/// name, display_name, role and availability.
pub fn profile_from_row(row: &AnyRow) -> Result<AgentProfile, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let availability: String = row.try_get("availability")?;
    Ok(AgentProfile {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("role {role}").into()))?,
        availability: Availability::parse(&availability)
            .ok_or_else(|| sqlx::Error::Decode(format!("availability {availability}").into()))?,
    })
}

pub async fn list_team(db: &Db, account_id: i64) -> Result<Vec<AgentProfile>, AppError> {
    let rows = sqlx::query(
        "SELECT id, account_id, email, name, display_name, role, availability FROM agents \
         WHERE account_id = $1 AND active = 1 ORDER BY name, id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(profile_from_row)
        .collect::<Result<_, _>>()?)
}

pub async fn set_availability(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    availability: Availability,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE agents SET availability = $1, updated_at = $2 WHERE id = $3")
        .bind(availability.as_str())
        .bind(now_ms())
        .bind(agent.id)
        .execute(tx.conn())
        .await?;
    tx.append_event(
        agent.account_id,
        EventScope::default(),
        LiveEvent::AgentAvailabilityChanged {
            agent_id: agent.id,
            availability,
        },
    )
    .await?;
    tx.commit(hub).await?;
    Ok(())
}
pub mod manage;
