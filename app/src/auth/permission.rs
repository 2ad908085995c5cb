//! Who may do what and see what: the one admin check, and the one visibility rule
//! (administrators see every inbox of their account, agents only the inboxes they are
//! members of), in its SQL form for queries and its in-memory form for live events.
//! Invisible things are "not found", never "forbidden", so ids cannot be probed.
use sqlx::Row;
use std::collections::HashSet;

use crate::agents::model::AgentProfile;
use crate::auth::model::Session;
use crate::db::Db;
use crate::error::AppError;
use crate::events::{EventEnvelope, LiveEvent};

/// Administrator-only actions (the team, inboxes, channel settings, canned responses).
pub fn require_admin(agent: &AgentProfile) -> Result<(), AppError> {
    if agent.role.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A server function's signed-in agent, with the state.
pub fn signed_in() -> Result<(crate::state::AppState, AgentProfile), AppError> {
    let session = crate::state::current_session()?;
    Ok((crate::state::app_state()?, session.agent))
}

/// A server function's signed-in administrator, with the state.
pub fn admin_session() -> Result<(crate::state::AppState, AgentProfile), AppError> {
    let (state, agent) = signed_in()?;
    require_admin(&agent)?;
    Ok((state, agent))
}

/// The agent asking, reduced to what the queries bind as $1 (account), $2 (agent)
/// and $3 (1 for administrators).
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub account_id: i64,
    pub agent_id: i64,
    pub admin: bool,
}

impl From<&AgentProfile> for Viewer {
    fn from(agent: &AgentProfile) -> Self {
        Viewer {
            account_id: agent.account_id,
            agent_id: agent.id,
            admin: agent.role.is_admin(),
        }
    }
}

/// The same rule for many agents at once: agent `a` may see the inbox `inbox` (an SQL
/// expression) as an administrator or a member of it.
pub fn sees_inbox(inbox: &str) -> String {
    format!(
        "(a.role = 'administrator' OR EXISTS (SELECT 1 FROM inbox_members im \
         WHERE im.agent_id = a.id AND im.inbox_id = {inbox}))"
    )
}

/// The rule in SQL: conversations (alias `c`) the viewer may see; binds $1, $2, $3.
pub const VISIBLE: &str = "c.account_id = $1 AND ($3 = 1 OR c.inbox_id IN \
     (SELECT im.inbox_id FROM inbox_members im WHERE im.agent_id = $2))";

/// The rule in memory, for one agent's live socket: kept current by the events
/// themselves (membership, role and session changes), in event order.
#[derive(Debug, Clone)]
pub struct EventView {
    /// The socket's session, as `SessionsEnded` names it.
    session: String,
    viewer: Viewer,
    inboxes: HashSet<i64>,
}

impl EventView {
    pub async fn load(db: &Db, session: &Session) -> Result<Self, AppError> {
        let tag = crate::events::session_tag(&session.token_hash);
        Self::of(db, &session.agent, tag).await
    }

    /// The view of an agent's client that holds no browser session of hers (an app on
    /// her API token: `session` is empty, so only an end of all her sessions ends it).
    pub async fn of(db: &Db, agent: &AgentProfile, session: String) -> Result<Self, AppError> {
        let rows = sqlx::query("SELECT inbox_id FROM inbox_members WHERE agent_id = $1")
            .bind(agent.id)
            .fetch_all(&db.pool)
            .await?;
        Ok(EventView {
            session,
            viewer: Viewer::from(agent),
            inboxes: rows
                .iter()
                .map(|r| r.try_get::<i64, _>("inbox_id"))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Follows membership and role changes of this agent; `false` when the agent was
    /// deactivated or this session ended, and the socket must close.
    pub fn observe(&mut self, event: &EventEnvelope) -> bool {
        match &event.event {
            LiveEvent::MembershipChanged {
                agent_id,
                inbox_id,
                member,
            } if *agent_id == self.viewer.agent_id => {
                if *member {
                    self.inboxes.insert(*inbox_id);
                } else {
                    self.inboxes.remove(inbox_id);
                }
                true
            }
            LiveEvent::AgentChanged {
                agent_id,
                role,
                active,
            } if *agent_id == self.viewer.agent_id => {
                self.viewer.admin = role.is_admin();
                *active
            }
            // This socket's session was signed out, or another browser changed the
            // password: the socket must not outlive its session.
            LiveEvent::SessionsEnded {
                agent_id,
                only,
                except,
            } if *agent_id == self.viewer.agent_id => {
                let mine = only.as_deref().is_none_or(|tag| tag == self.session)
                    && except.as_deref() != Some(self.session.as_str());
                !mine
            }
            _ => true,
        }
    }

    /// Whether the agent may see this event: her personal events, and those of the
    /// inboxes she sees.
    pub fn allows(&self, event: &EventEnvelope) -> bool {
        if event.event.internal() {
            return false;
        }
        if event
            .scope
            .agent_id
            .is_some_and(|id| id != self.viewer.agent_id)
        {
            return false;
        }
        event
            .scope
            .inbox_id
            .is_none_or(|inbox| self.sees_inbox(inbox))
    }

    /// Whether the agent may see this inbox's conversations now.
    pub fn sees_inbox(&self, inbox_id: i64) -> bool {
        self.viewer.admin || self.inboxes.contains(&inbox_id)
    }

    pub fn agent_id(&self) -> i64 {
        self.viewer.agent_id
    }
}
