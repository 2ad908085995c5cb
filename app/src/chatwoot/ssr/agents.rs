//! Agents through the API, for administrators: added (an invitation link she chooses
//! her password with, emailed where the server has SMTP), their role and availability
//! changed, removed from the account (deactivated: her history stays hers, she can no
//! longer sign in). The account keeps one active administrator.
use serde_json::Value;

use super::body::{field, fields};
use super::{render, Caller};
use crate::agents::{AgentProfile, TeamMember};
use crate::auth::permission::require_admin;
use crate::chatwoot::model as cw;
use crate::domain::{Availability, Role};
use crate::error::AppError;

fn role_of(fields: &Value) -> Result<Option<Role>, AppError> {
    match fields.get("role") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(role)) => Role::parse(role.trim())
            .map(Some)
            .ok_or_else(|| AppError::validation("role", "invalid")),
        Some(_) => Err(AppError::validation("role", "invalid")),
    }
}

/// Chatwoot's documents say `available`; its own answers say `online`.
fn availability_of(fields: &Value) -> Result<Option<Availability>, AppError> {
    match fields
        .get("availability_status")
        .or_else(|| fields.get("availability"))
    {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s == "available" => Ok(Some(Availability::Online)),
        Some(Value::String(s)) => Availability::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::validation("availability_status", "invalid")),
        Some(_) => Err(AppError::validation("availability_status", "invalid")),
    }
}

fn shaped(profile: &AgentProfile, invited: bool) -> cw::Agent {
    let mut agent = render::agent(profile);
    agent.confirmed = !invited;
    agent
}

/// `POST …/agents`: `name`, `email`, `role` (default agent); the new agent, unconfirmed
/// until she accepts her invitation (emailed where the server has SMTP).
pub async fn create(caller: &Caller<'_>, body: &Value) -> Result<cw::Agent, AppError> {
    require_admin(caller.agent)?;
    let fields = fields(body, "agent")?;
    let role = role_of(fields)?.unwrap_or(Role::Agent);
    availability_of(fields)?;
    let name: String = field(fields, "name")?.unwrap_or_default();
    let email: String = field(fields, "email")?.unwrap_or_default();
    let (profile, token) =
        crate::agents::ssr::manage::invite_agent(caller.db(), caller.agent, &email, &name, role)
            .await?;
    let mail = caller.state.settings.invitation_mail.as_ref();
    crate::agents::ssr::invite_mail::send_later(caller.db(), mail, &profile, &token);
    Ok(shaped(&profile, true))
}

async fn member(caller: &Caller<'_>, id: i64) -> Result<TeamMember, AppError> {
    crate::agents::ssr::manage::members(caller.db(), caller.agent.account_id)
        .await?
        .into_iter()
        .find(|m| m.profile.id == id && m.active)
        .ok_or(AppError::NotFound)
}

/// `PATCH …/agents/{id}`: `role` and `availability_status`, either or both; a refused
/// value changes nothing.
pub async fn update(caller: &Caller<'_>, id: i64, body: &Value) -> Result<cw::Agent, AppError> {
    require_admin(caller.agent)?;
    let fields = fields(body, "agent")?;
    let (role, availability) = (role_of(fields)?, availability_of(fields)?);
    let current = member(caller, id).await?;
    // Someone who cannot sign in yet is never "online": assignment would wait on her.
    if current.invited && availability.is_some_and(|a| a != Availability::Offline) {
        return Err(AppError::validation(
            "availability_status",
            "invitation_pending",
        ));
    }
    let hub = &caller.state.hub;
    if let Some(role) = role.filter(|r| *r != current.profile.role) {
        crate::agents::ssr::manage::update_agent(caller.db(), hub, caller.agent, id, role, true)
            .await?;
    }
    if let Some(availability) = availability {
        crate::agents::ssr::set_availability(caller.db(), hub, &current.profile, availability)
            .await?;
    }
    let now = member(caller, id).await?;
    Ok(shaped(&now.profile, now.invited))
}

/// `DELETE …/agents/{id}`: she leaves the account's list and cannot sign in.
pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    let current = member(caller, id).await?;
    let (db, hub) = (caller.db(), &caller.state.hub);
    crate::agents::ssr::manage::update_agent(db, hub, caller.agent, id, current.profile.role, false)
        .await
}
