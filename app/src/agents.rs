//! Agents as the dashboard sees them: the signed-in profile, teammates and their
//! availability.
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::domain::{Availability, Role};
use crate::error::AppError;
use leptos::prelude::*;
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
    /// The name teammates and customers see.
    pub fn shown_name(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.name)
    }
}

/// Sets the signed-in agent's availability; teammates see it change live.
#[server(endpoint = "set_availability")]
pub async fn set_availability(availability: Availability) -> Result<(), AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            ssr::set_availability(&state.db, &state.hub, &session.agent, availability).await
        }
        .await,
    )
}

/// Everyone in the signed-in agent's account, by name.
#[server(endpoint = "list_team")]
pub async fn list_team() -> Result<Vec<AgentProfile>, AppError> {
    use crate::error::with_status;
    use crate::state::{app_state, current_session};
    with_status(
        async move {
            let session = current_session()?;
            let state = app_state()?;
            ssr::list_team(&state.db, session.agent.account_id).await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_wins_when_set() {
        let mut agent = AgentProfile {
            id: 1,
            account_id: 1,
            email: "a@b.es".into(),
            name: "Lucía Fernández".into(),
            display_name: Some("  ".into()),
            role: Role::Agent,
            availability: Availability::Online,
        };
        assert_eq!(agent.shown_name(), "Lucía Fernández");
        agent.display_name = Some("Lucía".into());
        assert_eq!(agent.shown_name(), "Lucía");
    }
}
