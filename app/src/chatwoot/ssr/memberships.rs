//! Administrators arranging the team through the API, as Chatwoot's provisioning
//! scripts do: teams created, renamed and deleted, their members and an inbox's members
//! added, replaced or removed by `user_ids` — each through the service Ajustes uses, so
//! sockets, lists and assignment follow at once.
use super::account::{one_team, rename_field, team, team_members};
use super::render;
use super::Caller;
use crate::auth::permission::require_admin;
use crate::chatwoot::model as cw;
use crate::error::AppError;

/// How a members call changes the set it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `POST`: these join.
    Add,
    /// `PATCH`: exactly these.
    Replace,
    /// `DELETE`: these leave.
    Remove,
}

impl Change {
    fn apply(self, current: &[i64], named: &[i64]) -> Vec<i64> {
        let mut next: Vec<i64> = match self {
            Change::Add => current.iter().chain(named).copied().collect(),
            Change::Replace => named.to_vec(),
            Change::Remove => current
                .iter()
                .filter(|id| !named.contains(id))
                .copied()
                .collect(),
        };
        next.sort_unstable();
        next.dedup();
        next
    }
}

/// Creates (`id: None`) or changes a team; a field left out keeps its value.
pub async fn save_team(
    caller: &Caller<'_>,
    id: Option<i64>,
    name: Option<&str>,
    description: Option<&str>,
) -> Result<cw::Team, AppError> {
    require_admin(caller.agent)?;
    let current = match id {
        Some(id) => Some(team(caller, id).await?),
        None => None,
    };
    let name = name
        .map(str::to_owned)
        .or_else(|| current.as_ref().map(|t| t.name.clone()))
        .unwrap_or_default();
    let description = description
        .map(str::to_owned)
        .or_else(|| current.as_ref().map(|t| t.description.clone()))
        .unwrap_or_default();
    let saved = crate::teams::ssr::save(
        caller.db(),
        &caller.state.hub,
        caller.agent.account_id,
        id,
        &name,
        &description,
    )
    .await?;
    Ok(render::team(
        &saved,
        caller.agent.account_id,
        caller.agent.id,
    ))
}

pub async fn remove_team(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    crate::teams::ssr::remove(caller.db(), &caller.state.hub, caller.agent.account_id, id).await
}

/// Changes a team's members. What Chatwoot answers: for `Add` the agents who joined,
/// otherwise the members it has afterwards.
pub async fn change_team_members(
    caller: &Caller<'_>,
    id: i64,
    user_ids: &[i64],
    how: Change,
) -> Result<Vec<cw::Agent>, AppError> {
    require_admin(caller.agent)?;
    // Every member, a deactivated one too: a change leaves alone whom it does not name.
    let current = one_team(caller, id).await?.member_ids;
    crate::teams::ssr::set_members(
        caller.db(),
        &caller.state.hub,
        caller.agent.account_id,
        id,
        &how.apply(&current, user_ids),
    )
    .await
    .map_err(|err| rename_field(err, "members", "user_ids"))?;
    let members = team_members(caller, id).await?;
    Ok(match how {
        Change::Add => members
            .into_iter()
            .filter(|a| user_ids.contains(&a.id) && !current.contains(&a.id))
            .collect(),
        _ => members,
    })
}

/// Changes an inbox's members; the members it has afterwards. Every agent named must
/// be of the account, or nothing changes.
pub async fn change_inbox_members(
    caller: &Caller<'_>,
    inbox_id: i64,
    user_ids: &[i64],
    how: Change,
) -> Result<Vec<cw::Agent>, AppError> {
    require_admin(caller.agent)?;
    let (db, account) = (caller.db(), caller.agent.account_id);
    let inbox_known = crate::inboxes::ssr::manage::mine(db, caller.agent)
        .await?
        .iter()
        .any(|i| i.id == inbox_id);
    if !inbox_known {
        return Err(AppError::NotFound);
    }
    let members = crate::agents::ssr::manage::members(db, account).await?;
    let current: Vec<i64> = members
        .iter()
        .filter(|m| m.inboxes.contains(&inbox_id))
        .map(|m| m.profile.id)
        .collect();
    let wanted = how.apply(&current, user_ids);
    // Those joining must be active agents of the account, checked before any change.
    let joining = wanted.iter().filter(|id| !current.contains(id));
    if joining
        .clone()
        .any(|id| !members.iter().any(|m| m.profile.id == *id && m.active))
    {
        return Err(AppError::validation("user_ids", "invalid"));
    }
    let changes = current
        .iter()
        .filter(|id| !wanted.contains(id))
        .map(|id| (*id, false))
        .chain(
            wanted
                .iter()
                .filter(|id| !current.contains(id))
                .map(|id| (*id, true)),
        );
    for (agent_id, member) in changes {
        crate::agents::ssr::manage::set_member(
            db,
            &caller.state.hub,
            caller.agent,
            inbox_id,
            agent_id,
            member,
        )
        .await?;
    }
    super::account::inbox_members(caller, inbox_id).await
}

#[cfg(test)]
mod tests {
    use super::Change;

    #[test]
    fn a_change_reads_as_chatwoot_means_it() {
        assert_eq!(Change::Add.apply(&[1, 3], &[2, 3]), vec![1, 2, 3]);
        assert_eq!(Change::Replace.apply(&[1, 3], &[4, 4]), vec![4]);
        assert_eq!(Change::Remove.apply(&[1, 2, 3], &[2, 9]), vec![1, 3]);
    }
}
