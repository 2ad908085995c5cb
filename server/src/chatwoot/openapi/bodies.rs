//! The request bodies of the administrators' team and membership calls.
use serde::Serialize;
use utoipa::ToSchema;

/// `POST`/`PATCH …/teams` (also accepted wrapped as `{"team": {…}}`); a field left out
/// keeps its value.
#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// `…/teams/{id}/team_members`: the agents who join (`POST`), are exactly the members
/// (`PATCH`) or leave (`DELETE`).
#[derive(Serialize, ToSchema)]
pub struct UserIdsBody {
    pub user_ids: Vec<i64>,
}

/// `…/inbox_members`: the inbox, and the agents as for a team's members.
#[derive(Serialize, ToSchema)]
pub struct InboxMembersBody {
    pub inbox_id: i64,
    pub user_ids: Vec<i64>,
}
