//! Chatwoot's live updates for an agent's own client (its mobile app, tools built on
//! its API): ActionCable's `RoomChannel`, subscribed with her `pubsub_token` (in her
//! profile), `user_id` and `account_id`, as Chatwoot's apps send them. She hears what
//! her dashboard's socket would (the same rule, `EventView`), in Chatwoot's event names
//! and push shapes: `message.created` / `message.updated`, `conversation.created`,
//! `conversation.status_changed`, `assignee.changed`, `team.changed`,
//! `conversation.updated`, `notification.created`, `presence.update`,
//! `contact.created` / `contact.updated`, `conversation.typing_on` / `_off`.
use serde_json::{json, Value};
use sqlx::Row;

use super::conversations::{shape_with, Catalog};
use super::{render, Caller};
use crate::agents::model::{profile_from_row, AgentProfile};
use crate::auth::permission::EventView;
use crate::conversations::model::MessageView;
use crate::conversations::ssr::access::visible_conversation;
use crate::error::AppError;
use crate::events::{ConversationState, EventEnvelope, LiveEvent};
use crate::live::typing::{Said, Signal};
use crate::secrets::token::token_hash;
use crate::secrets::SecretBox;
use crate::state::AppState;

/// Her `pubsub_token`, derived from her access token (its stored hash) under the
/// installation's key: regenerating the access token ends the old `pubsub_token` too,
/// nothing more is stored, and a copy of the database alone cannot compute it.
pub fn pubsub_token_of(secrets: &SecretBox, access_token: &str) -> String {
    from_stored_hash(secrets, &token_hash(access_token))
}

fn from_stored_hash(secrets: &SecretBox, hash: &str) -> String {
    secrets.keyed_hash(&format!("charla-pubsub:{hash}"))
}

/// The active agent of the account whose `pubsub_token` this is.
pub async fn agent_by_pubsub(
    state: &AppState,
    user_id: i64,
    account_id: i64,
    token: &str,
) -> Result<AgentProfile, AppError> {
    let row = sqlx::query(
        "SELECT t.token_hash, a.id, a.account_id, a.email, a.name, a.display_name, a.role, a.availability \
         FROM api_access_tokens t JOIN agents a ON a.id = t.agent_id \
         WHERE t.agent_id = $1 AND a.account_id = $2 AND a.active = 1",
    )
    .bind(user_id)
    .bind(account_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let stored: String = row.try_get("token_hash")?;
    // Hashes of both compared, so the comparison's time tells nothing of the token.
    if token_hash(&from_stored_hash(&state.settings.secrets, &stored)) != token_hash(token) {
        return Err(AppError::NotFound);
    }
    Ok(profile_from_row(&row)?)
}

/// One subscription: what an agent hears of her account's events.
pub struct AgentListener {
    pub agent: AgentProfile,
    view: EventView,
    base_url: String,
}

impl AgentListener {
    pub async fn new(
        state: &AppState,
        agent: AgentProfile,
        base_url: &str,
    ) -> Result<AgentListener, AppError> {
        let view = EventView::of(&state.db, &agent, String::new()).await?;
        Ok(AgentListener {
            agent,
            view,
            base_url: base_url.to_owned(),
        })
    }

    /// Whether the subscription still holds: her token unchanged (a regenerated one
    /// ends it), she still active; her role and inboxes read afresh. Called on every
    /// ping, so what an event missed by a slow client would have said still applies.
    pub async fn recheck(&mut self, state: &AppState, token: &str) -> bool {
        let Ok(agent) = agent_by_pubsub(state, self.agent.id, self.agent.account_id, token).await
        else {
            return false;
        };
        let Ok(view) = EventView::of(&state.db, &agent, String::new()).await else {
            return false;
        };
        self.agent = agent;
        self.view = view;
        true
    }

    /// What she hears of one event (Chatwoot's names and data), or `Err(())` when the
    /// subscription must end (she was deactivated, or her sessions were all ended).
    pub async fn hear(
        &mut self,
        state: &AppState,
        envelope: &EventEnvelope,
    ) -> Result<Vec<(&'static str, Value)>, ()> {
        if !self.view.observe(envelope) {
            return Err(());
        }
        if let LiveEvent::AgentChanged { agent_id, role, .. } = &envelope.event {
            if *agent_id == self.agent.id {
                self.agent.role = *role;
            }
        }
        if !self.view.allows(envelope) {
            return Ok(Vec::new());
        }
        // A failed read loses one event, never the line.
        Ok(self.said(state, &envelope.event).await.unwrap_or_default())
    }

    /// Someone writing in a conversation she may see (the customer, or a teammate;
    /// never herself), as Chatwoot's `conversation.typing_on` / `_off`.
    pub async fn typing(&self, state: &AppState, signal: &Signal) -> Option<(&'static str, Value)> {
        let Said::Typing(typing) = &signal.said else {
            return None;
        };
        if signal.account_id != self.agent.account_id
            || !self.view.sees_inbox(signal.inbox_id)
            || typing.agent_id == Some(self.agent.id)
        {
            return None;
        }
        let caller = Caller {
            state,
            agent: &self.agent,
            base_url: &self.base_url,
        };
        let conversation = conversation_data(&caller, typing.conversation_id)
            .await
            .ok()
            .flatten()?;
        let user = match typing.agent_id {
            Some(id) => json!({"id": id, "name": typing.name, "type": "user"}),
            None => {
                json!({"id": conversation["meta"]["sender"]["id"], "name": typing.name, "type": "contact"})
            }
        };
        let name = if typing.typing {
            "conversation.typing_on"
        } else {
            "conversation.typing_off"
        };
        Some((
            name,
            json!({"conversation": conversation, "user": user, "is_private": typing.private, "account_id": self.agent.account_id}),
        ))
    }

    async fn said(
        &self,
        state: &AppState,
        event: &LiveEvent,
    ) -> Result<Vec<(&'static str, Value)>, AppError> {
        let caller = Caller {
            state,
            agent: &self.agent,
            base_url: &self.base_url,
        };
        let account = self.agent.account_id;
        Ok(match event {
            LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message } => {
                let name = match event {
                    LiveEvent::MessageCreated { .. } => "message.created",
                    _ => "message.updated",
                };
                message_data(&caller, message)
                    .await?
                    .map(|data| vec![(name, data)])
                    .unwrap_or_default()
            }
            LiveEvent::ConversationChanged {
                conversation,
                previous,
            } => {
                let Some(data) = conversation_data(&caller, conversation.id).await? else {
                    return Ok(Vec::new());
                };
                names(previous.as_ref(), conversation)
                    .into_iter()
                    .map(|name| (name, data.clone()))
                    .collect()
            }
            LiveEvent::NotificationCreated { notification } => {
                let shaped = super::notifications::one(&caller, notification.id).await?;
                let unread = super::notifications::unread_count(&caller).await?;
                vec![(
                    "notification.created",
                    json!({"notification": shaped, "unread_count": unread, "count": unread, "account_id": account}),
                )]
            }
            LiveEvent::AgentAvailabilityChanged {
                agent_id,
                availability,
            } => {
                let mut users = serde_json::Map::new();
                users.insert(agent_id.to_string(), json!(availability.as_str()));
                vec![(
                    "presence.update",
                    json!({"account_id": account, "users": users}),
                )]
            }
            LiveEvent::ContactChanged {
                contact_id,
                created,
            } => {
                let row = crate::contacts::ssr::store::get(&state.db, account, *contact_id).await?;
                let mut data =
                    serde_json::to_value(render::contact(&row)).map_err(|_| AppError::Internal)?;
                data["account_id"] = json!(account);
                let name = if *created {
                    "contact.created"
                } else {
                    "contact.updated"
                };
                vec![(name, data)]
            }
            _ => Vec::new(),
        })
    }
}

/// Chatwoot's names for a conversation's change: created, or each of what changed
/// (status, assignee, team), else an update (labels, priority, attributes).
fn names(
    previous: Option<&ConversationState>,
    now: &crate::conversations::model::ConversationSummary,
) -> Vec<&'static str> {
    let Some(before) = previous else {
        return vec!["conversation.created"];
    };
    let mut names = Vec::new();
    if before.status != now.status {
        names.push("conversation.status_changed");
    }
    if before.assignee_id != now.assignee_id {
        names.push("assignee.changed");
    }
    if before.team_id != now.team_id {
        names.push("team.changed");
    }
    if names.is_empty() {
        names.push("conversation.updated");
    }
    names
}

/// The conversation in its REST shape, with the catalog that shaped it; `None` when
/// she may not see it (or it is gone).
async fn shaped(
    caller: &Caller<'_>,
    id: i64,
) -> Result<Option<(crate::chatwoot::model::Conversation, Catalog)>, AppError> {
    let row = match visible_conversation(caller.db(), caller.viewer(), id).await {
        Ok(row) => row,
        Err(AppError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    let catalog = Catalog::load(caller).await?;
    let conversation = shape_with(caller, &catalog, vec![row]).await?.remove(0);
    Ok(Some((conversation, catalog)))
}

/// The conversation as Chatwoot pushes it (its REST shape) with `account_id`.
async fn conversation_data(caller: &Caller<'_>, id: i64) -> Result<Option<Value>, AppError> {
    let Some((conversation, _)) = shaped(caller, id).await? else {
        return Ok(None);
    };
    let mut data = serde_json::to_value(conversation).map_err(|_| AppError::Internal)?;
    data["account_id"] = json!(caller.agent.account_id);
    Ok(Some(data))
}

/// The message as Chatwoot pushes it: its REST shape with the sender's type and id,
/// `account_id`, and the few fields of its conversation the apps read.
async fn message_data(
    caller: &Caller<'_>,
    message: &MessageView,
) -> Result<Option<Value>, AppError> {
    let Some((conversation, catalog)) = shaped(caller, message.conversation_id).await? else {
        return Ok(None);
    };
    let shaped = render::message_in(message, &conversation, caller, &catalog.agents, true);
    let mut data = serde_json::to_value(&shaped).map_err(|_| AppError::Internal)?;
    data["account_id"] = json!(caller.agent.account_id);
    data["conversation"] = json!({
        "id": conversation.id,
        "assignee_id": conversation.meta.assignee.as_ref().map(|a| a.id),
        "unread_count": conversation.unread_count,
        "last_activity_at": conversation.last_activity_at,
        "status": conversation.status,
    });
    Ok(Some(data))
}
