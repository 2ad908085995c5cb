//! The teams' server functions: each resolves the session and calls one service.
use leptos::prelude::*;

use super::model::Team;
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {
    super::ssr,
    crate::auth::permission::{admin_session, signed_in},
};

/// The account's teams with their members (every agent: the filters and the chat
/// show them).
#[server(endpoint = "teams/list", input = Json, output = Json)]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list(&state.db, agent.account_id).await
        }
        .await,
    )
}

/// Creates (`id: None`) or renames a team (administrators).
#[server(endpoint = "teams/save", input = Json, output = Json)]
pub async fn save_team(
    id: Option<i64>,
    name: String,
    #[server(default)] description: String,
) -> Result<Team, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::save(
                &state.db,
                &state.hub,
                agent.account_id,
                id,
                &name,
                &description,
            )
            .await
        }
        .await,
    )
}

/// Sets a team's members to exactly these agents (administrators).
#[server(endpoint = "teams/members", input = Json, output = Json)]
pub async fn set_team_members(id: i64, agent_ids: Vec<i64>) -> Result<Team, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::set_members(&state.db, &state.hub, agent.account_id, id, &agent_ids).await
        }
        .await,
    )
}

/// Deletes a team; its conversations stay, without a team (administrators).
#[server(endpoint = "teams/remove", input = Json, output = Json)]
pub async fn remove_team(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::remove(&state.db, &state.hub, agent.account_id, id).await
        }
        .await,
    )
}
