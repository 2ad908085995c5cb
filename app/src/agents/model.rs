//! Agents as every floor sees them: the profile on the wire and the team member an
//! administrator manages. Vocabulary: no server code, imported from anywhere.
use crate::domain::{Availability, Role};
use serde::{Deserialize, Serialize};

/// An agent on the wire. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub availability: Availability,
}

impl AgentProfile {
    /// The installation acting on an account (creating its first administrator,
    /// telling webhooks): an administrator nobody is, who sees every inbox.
    pub fn system(account_id: i64) -> AgentProfile {
        AgentProfile {
            id: 0,
            account_id,
            email: String::new(),
            name: String::new(),
            display_name: None,
            role: Role::Administrator,
            availability: Availability::Offline,
        }
    }

    /// The name teammates and customers see.
    pub fn shown_name(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.name)
    }
}

/// An agent as administrators manage them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub profile: AgentProfile,
    pub active: bool,
    /// Inboxes they are a member of.
    pub inboxes: Vec<i64>,
    /// Open conversations automatic assignment gives her at most (0: no limit).
    #[serde(default)]
    pub max_open: i64,
    /// Added without a password and not yet in: her invitation link is pending.
    #[serde(default)]
    pub invited: bool,
}

/// The highest per-agent limit of open conversations an administrator may set.
pub const MAX_OPEN_LIMIT: i64 = 1000;

#[cfg(feature = "ssr")]
/// Builds a profile from a row (a query's decoding, shared by every repository that
/// reads agents) with the `agents` columns id, account_id, email,
/// name, display_name, role and availability.
pub fn profile_from_row(row: &sqlx::any::AnyRow) -> Result<AgentProfile, sqlx::Error> {
    use sqlx::Row;
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
