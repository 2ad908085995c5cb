//! Agent queries and the availability service.
pub use super::model::profile_from_row;
use super::AgentProfile;
use crate::db::{now_ms, Db};
use crate::domain::Availability;
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

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
    sqlx::query(
        "UPDATE agents SET availability = $1, updated_at = $2 WHERE id = $3 AND active = 1",
    )
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
    hub.commit(tx).await?;
    Ok(())
}
pub mod invite;
pub mod invite_mail;
pub mod manage;
