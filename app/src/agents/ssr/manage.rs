//! Managing the team (administrators): create agents, change roles, deactivate and
//! reactivate, inbox creation and membership. The account always keeps at least one
//! active administrator; a deactivated agent's sessions end in the same transaction and
//! their open sockets close on the event.
use sqlx::Row;

use crate::agents::model::profile_from_row;
use crate::agents::{AgentProfile, TeamMember};
use crate::auth::permission::require_admin;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::name::clean_name;
use crate::domain::{check_password, EmailAddress, Role};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;
use crate::secrets::password::hash_password;

pub async fn members(db: &Db, account_id: i64) -> Result<Vec<TeamMember>, AppError> {
    let rows = sqlx::query(
        "SELECT id, account_id, email, name, display_name, role, availability, active, max_open, \
         CASE WHEN password_hash = '' THEN 1 ELSE 0 END AS invited FROM agents \
         WHERE account_id = $1 ORDER BY active DESC, name, id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    // Every membership of the account in one query, not one per agent.
    let memberships: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT im.agent_id, im.inbox_id FROM inbox_members im JOIN agents a ON a.id = im.agent_id \
         WHERE a.account_id = $1 ORDER BY im.inbox_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    let mut team = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        team.push(TeamMember {
            profile: profile_from_row(row)?,
            active: crate::db::flag(row, "active")?,
            max_open: row.try_get("max_open")?,
            invited: crate::db::flag(row, "invited")?,
            inboxes: memberships
                .iter()
                .filter(|(agent, _)| *agent == id)
                .map(|(_, inbox)| *inbox)
                .collect(),
        });
    }
    Ok(team)
}

pub async fn create_agent(
    db: &Db,
    admin: &AgentProfile,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<AgentProfile, AppError> {
    Ok(add_agent(db, admin, email, name, role, Some(password))
        .await?
        .0)
}

/// Adds an agent without a password and a link for her to choose one (the token).
pub async fn invite_agent(
    db: &Db,
    admin: &AgentProfile,
    email: &str,
    name: &str,
    role: Role,
) -> Result<(AgentProfile, String), AppError> {
    let (profile, token) = add_agent(db, admin, email, name, role, None).await?;
    Ok((profile, token.ok_or(AppError::Internal)?))
}

/// With a password she signs in at once; without one she gets an invitation token.
async fn add_agent(
    db: &Db,
    admin: &AgentProfile,
    email: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
) -> Result<(AgentProfile, Option<String>), AppError> {
    require_admin(admin)?;
    let email = EmailAddress::parse(email).map_err(|e| AppError::validation("email", e.code()))?;
    let name = clean_name(name, "name")?;
    let hash = match password {
        Some(password) => {
            check_password(password).map_err(|code| AppError::validation("password", code))?;
            let password = password.to_owned();
            crate::secrets::hashing::run(move || hash_password(&password)).await??
        }
        // No Argon2 hash verifies against an empty one: no sign-in until she accepts.
        None => String::new(),
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(tx.conn())
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict {
            field: "email".into(),
        });
    }
    let row = sqlx::query(
        "INSERT INTO agents (account_id, email, name, password_hash, role, availability, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'offline', 1, $6, $6) \
         RETURNING id, account_id, email, name, display_name, role, availability",
    )
    .bind(admin.account_id)
    .bind(email.as_str())
    .bind(&name)
    .bind(hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    let profile = profile_from_row(&row)?;
    let token = match password {
        Some(_) => None,
        None => Some(super::invite::issue_in_tx(&mut tx, profile.id).await?),
    };
    tx.finish().await?;
    Ok((profile, token))
}

/// Active administrators of the account other than `except`.
async fn other_admins(tx: &mut WriteTx, account_id: i64, except: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        // An invited administrator who has not chosen her password cannot sign in yet:
        // she does not keep the account administered.
        "SELECT COUNT(*) FROM agents WHERE account_id = $1 AND role = 'administrator' AND active = 1 \
         AND password_hash <> '' AND id <> $2",
    )
    .bind(account_id)
    .bind(except)
    .fetch_one(tx.conn())
    .await
}

/// Sets how many open conversations automatic assignment gives an agent at most
/// (0: no limit of her own).
pub async fn set_capacity(
    db: &Db,
    admin: &AgentProfile,
    agent_id: i64,
    max_open: i64,
) -> Result<(), AppError> {
    require_admin(admin)?;
    if !(0..=crate::agents::model::MAX_OPEN_LIMIT).contains(&max_open) {
        return Err(AppError::validation("max_open", "capacity_out_of_range"));
    }
    let done = sqlx::query(
        "UPDATE agents SET max_open = $1, updated_at = $2 WHERE id = $3 AND account_id = $4",
    )
    .bind(max_open)
    .bind(now_ms())
    .bind(agent_id)
    .bind(admin.account_id)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Changes an agent's role and/or active state, keeping one active administrator.
pub async fn update_agent(
    db: &Db,
    hub: &Hub,
    admin: &AgentProfile,
    agent_id: i64,
    role: Role,
    active: bool,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let current = sqlx::query("SELECT role, active FROM agents WHERE id = $1 AND account_id = $2")
        .bind(agent_id)
        .bind(admin.account_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let was_admin = current.try_get::<String, _>("role")? == Role::Administrator.as_str()
        && crate::db::flag(&current, "active")?;
    let stays_admin = role.is_admin() && active;
    if was_admin && !stays_admin && other_admins(&mut tx, admin.account_id, agent_id).await? == 0 {
        let field = if active { "role" } else { "active" };
        return Err(AppError::validation(field, "last_administrator"));
    }
    sqlx::query("UPDATE agents SET role = $1, active = $2, updated_at = $3 WHERE id = $4")
        .bind(role.as_str())
        .bind(active as i64)
        .bind(now_ms())
        .bind(agent_id)
        .execute(tx.conn())
        .await?;
    if !active {
        // Signed out everywhere at once; history and assignments stay as they are.
        sqlx::query("DELETE FROM sessions WHERE agent_id = $1")
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE agents SET availability = 'offline' WHERE id = $1")
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
        // A link sent to the wrong person must not come back to life on reactivation.
        sqlx::query("DELETE FROM agent_invitations WHERE agent_id = $1")
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
    }
    tx.append_event(
        admin.account_id,
        EventScope::default(),
        LiveEvent::AgentChanged {
            agent_id,
            role,
            active,
        },
    )
    .await?;
    hub.commit(tx).await?;
    Ok(())
}

/// Adds or removes an agent from an inbox; their sockets follow at once.
pub async fn set_member(
    db: &Db,
    hub: &Hub,
    admin: &AgentProfile,
    inbox_id: i64,
    agent_id: i64,
    member: bool,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut tx = db.begin_write().await?;
    let both: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM inboxes WHERE id = $1 AND account_id = $3) \
         + (SELECT COUNT(*) FROM agents WHERE id = $2 AND account_id = $3)",
    )
    .bind(inbox_id)
    .bind(agent_id)
    .bind(admin.account_id)
    .fetch_one(tx.conn())
    .await?;
    if both != 2 {
        return Err(AppError::NotFound);
    }
    if member {
        sqlx::query(
            "INSERT INTO inbox_members (inbox_id, agent_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (inbox_id, agent_id) DO NOTHING",
        )
        .bind(inbox_id)
        .bind(agent_id)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::query("DELETE FROM inbox_members WHERE inbox_id = $1 AND agent_id = $2")
            .bind(inbox_id)
            .bind(agent_id)
            .execute(tx.conn())
            .await?;
    }
    tx.append_event(
        admin.account_id,
        EventScope {
            inbox_id: None,
            conversation_id: None,
            agent_id: Some(agent_id),
        },
        LiveEvent::MembershipChanged {
            agent_id,
            inbox_id,
            member,
        },
    )
    .await?;
    hub.commit(tx).await?;
    Ok(())
}

/// First run without demo data: an account (when there is none) and its first
/// administrator. Refuses an email already in use.
pub async fn create_first_admin(
    db: &Db,
    account_name: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<AgentProfile, AppError> {
    let account_id: Option<i64> = sqlx::query_scalar("SELECT MIN(id) FROM accounts")
        .fetch_one(&db.pool)
        .await?;
    let account_id = match account_id {
        Some(id) => id,
        None => {
            let mut tx = db.begin_write().await?;
            let id: i64 =
                sqlx::query("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
                    .bind(clean_name(account_name, "account")?)
                    .bind(now_ms())
                    .fetch_one(tx.conn())
                    .await?
                    .try_get("id")?;
            tx.finish().await?;
            id
        }
    };
    let installer = AgentProfile::system(account_id);
    create_agent(db, &installer, email, name, Role::Administrator, password).await
}
