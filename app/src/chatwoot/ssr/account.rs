//! The account as the API shows it: the caller's profile, agents, inboxes and their
//! members, teams, labels and canned responses.
use sqlx::Row;

use super::{render, Caller};
use crate::auth::permission::require_admin;
use crate::chatwoot::model as cw;
use crate::error::AppError;
use crate::inboxes::model::InboxView;

pub async fn profile(caller: &Caller<'_>) -> Result<cw::Profile, AppError> {
    let agent = caller.agent;
    let details = crate::agents::profile::ssr::get(caller.db(), agent.id).await?;
    let account: String = sqlx::query("SELECT name FROM accounts WHERE id = $1")
        .bind(agent.account_id)
        .fetch_one(&caller.db().pool)
        .await?
        .try_get(0)?;
    let role = render::role(agent);
    let token = crate::auth::access_token::ssr::current(
        caller.db(),
        &caller.state.settings.secrets,
        agent.id,
    )
    .await?;
    Ok(cw::Profile {
        id: agent.id,
        account_id: agent.account_id,
        name: agent.name.clone(),
        display_name: agent.display_name.clone(),
        available_name: agent.shown_name().to_owned(),
        email: agent.email.clone(),
        uid: agent.email.clone(),
        role,
        availability_status: agent.availability.as_str(),
        avatar_url: details.avatar_url,
        confirmed: true,
        provider: "email",
        message_signature: Some(details.signature).filter(|s| !s.is_empty()),
        pubsub_token: super::agent_cable::pubsub_token_of(
            &caller.state.settings.secrets,
            &token.token,
        ),
        access_token: token.token,
        inviter_id: None,
        ui_settings: serde_json::json!({}),
        kind: "User",
        accounts: vec![cw::ProfileAccount {
            id: agent.account_id,
            name: account,
            status: "active",
            role,
            availability: agent.availability.as_str(),
            availability_status: agent.availability.as_str(),
            auto_offline: true,
        }],
    })
}

pub async fn agents(caller: &Caller<'_>) -> Result<Vec<cw::Agent>, AppError> {
    let account = caller.agent.account_id;
    let team = crate::agents::ssr::list_team(caller.db(), account).await?;
    let invited = crate::agents::ssr::invite::pending_ids(caller.db(), account).await?;
    Ok(team
        .iter()
        .map(|profile| {
            let mut agent = render::agent(profile);
            agent.confirmed = !invited.contains(&profile.id);
            agent
        })
        .collect())
}

async fn visible_inboxes(caller: &Caller<'_>) -> Result<Vec<InboxView>, AppError> {
    crate::inboxes::ssr::manage::mine(caller.db(), caller.agent).await
}

pub async fn inbox_shape(caller: &Caller<'_>, view: &InboxView) -> Result<cw::Inbox, AppError> {
    let account = caller.agent.account_id;
    let auto =
        crate::db::inbox_settings::account_flag(caller.db(), account, view.id, "auto_assign")
            .await?
            .unwrap_or(false);
    let stored =
        crate::db::inbox_settings::read(caller.db(), view.id, view.channel, Some(account)).await?;
    let traits = super::inbox_traits::traits(
        view.channel,
        &stored
            .as_ref()
            .map(|s| s.settings.clone())
            .unwrap_or_default(),
    );
    let mut shaped = render::inbox(view, auto, None, traits);
    if view.channel == crate::domain::ChannelKind::Api {
        shaped.webhook_url = Some(
            stored
                .map(|stored| stored.text("webhook_url", ""))
                .unwrap_or_default(),
        );
    }
    Ok(shaped)
}

/// The inboxes the caller works (administrators: every inbox of the account).
pub async fn inboxes(caller: &Caller<'_>) -> Result<Vec<cw::Inbox>, AppError> {
    let mut shaped = Vec::new();
    for view in visible_inboxes(caller).await? {
        shaped.push(inbox_shape(caller, &view).await?);
    }
    Ok(shaped)
}

/// One inbox the caller works; any other id is not found.
pub async fn inbox(caller: &Caller<'_>, id: i64) -> Result<cw::Inbox, AppError> {
    let view = visible_inboxes(caller)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)?;
    inbox_shape(caller, &view).await
}

/// The members of an inbox the caller works.
pub async fn inbox_members(caller: &Caller<'_>, inbox_id: i64) -> Result<Vec<cw::Agent>, AppError> {
    if !visible_inboxes(caller)
        .await?
        .iter()
        .any(|i| i.id == inbox_id)
    {
        return Err(AppError::NotFound);
    }
    let members = crate::agents::ssr::manage::members(caller.db(), caller.agent.account_id).await?;
    Ok(members
        .iter()
        .filter(|m| m.active && m.inboxes.contains(&inbox_id))
        .map(|m| render::agent(&m.profile))
        .collect())
}

pub async fn teams(caller: &Caller<'_>) -> Result<Vec<cw::Team>, AppError> {
    let account = caller.agent.account_id;
    let teams = crate::teams::ssr::list(caller.db(), account).await?;
    Ok(teams
        .iter()
        .map(|t| render::team(t, account, caller.agent.id))
        .collect())
}

pub(super) async fn one_team(
    caller: &Caller<'_>,
    id: i64,
) -> Result<crate::teams::model::Team, AppError> {
    crate::teams::ssr::list(caller.db(), caller.agent.account_id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

pub async fn team(caller: &Caller<'_>, id: i64) -> Result<cw::Team, AppError> {
    let team = one_team(caller, id).await?;
    Ok(render::team(
        &team,
        caller.agent.account_id,
        caller.agent.id,
    ))
}

pub async fn team_members(caller: &Caller<'_>, id: i64) -> Result<Vec<cw::Agent>, AppError> {
    let team = one_team(caller, id).await?;
    let agents = crate::agents::ssr::list_team(caller.db(), caller.agent.account_id).await?;
    Ok(agents
        .iter()
        .filter(|a| team.member_ids.contains(&a.id))
        .map(render::agent)
        .collect())
}

pub async fn labels(caller: &Caller<'_>) -> Result<Vec<cw::Label>, AppError> {
    let labels = crate::labels::ssr::list(caller.db(), caller.agent.account_id).await?;
    Ok(labels.iter().map(render::label).collect())
}

pub async fn label(caller: &Caller<'_>, id: i64) -> Result<cw::Label, AppError> {
    labels(caller)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(AppError::NotFound)
}

/// A label's fields as Chatwoot sends them (`title`, `description`, `color`).
pub struct LabelFields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub color: &'a str,
}

/// Creates (`id: None`) or changes a label: administrators only.
pub async fn save_label(
    caller: &Caller<'_>,
    id: Option<i64>,
    fields: LabelFields<'_>,
) -> Result<cw::Label, AppError> {
    require_admin(caller.agent)?;
    let input = crate::labels::ssr::LabelInput {
        name: fields.title,
        description: fields.description,
        color: fields.color,
    };
    let saved = crate::labels::ssr::save(
        caller.db(),
        &caller.state.hub,
        caller.agent.account_id,
        id,
        input,
    )
    .await
    .map_err(|err| rename_field(err, "name", "title"))?;
    Ok(render::label(&saved))
}

pub async fn remove_label(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    crate::labels::ssr::remove(caller.db(), &caller.state.hub, caller.agent.account_id, id).await
}

/// The account's canned responses, those whose short code or text holds `search` if given.
pub async fn canned(
    caller: &Caller<'_>,
    search: Option<&str>,
) -> Result<Vec<cw::CannedResponse>, AppError> {
    let account = caller.agent.account_id;
    let needle = search
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty());
    Ok(crate::canned::ssr::list(caller.db(), account)
        .await?
        .into_iter()
        .filter(|c| {
            needle.as_ref().is_none_or(|n| {
                c.short_code.to_lowercase().contains(n) || c.content.to_lowercase().contains(n)
            })
        })
        .map(|c| cw::CannedResponse {
            id: c.id,
            account_id: account,
            short_code: c.short_code,
            content: c.content,
        })
        .collect())
}

/// Creates (`id: None`) or changes a canned response: administrators only.
pub async fn save_canned(
    caller: &Caller<'_>,
    id: Option<i64>,
    short_code: &str,
    content: &str,
) -> Result<cw::CannedResponse, AppError> {
    require_admin(caller.agent)?;
    let account = caller.agent.account_id;
    let saved = crate::canned::ssr::save(caller.db(), account, id, short_code, content).await?;
    Ok(cw::CannedResponse {
        id: saved.id,
        account_id: account,
        short_code: saved.short_code,
        content: saved.content,
    })
}

pub async fn remove_canned(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    crate::canned::ssr::remove(caller.db(), caller.agent.account_id, id).await
}

/// Names a validation or conflict error's field as the API's clients know it.
pub fn rename_field(err: AppError, ours: &str, theirs: &str) -> AppError {
    match err {
        AppError::Validation { field, code } if field == ours => AppError::Validation {
            field: theirs.to_owned(),
            code,
        },
        AppError::Conflict { field } if field == ours => AppError::Conflict {
            field: theirs.to_owned(),
        },
        other => other,
    }
}
