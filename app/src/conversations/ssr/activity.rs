//! Activity lines for changes of hands (assignee, team), written in the transaction
//! that makes the change, so the thread tells who handed what to whom and when.
//! Many at once (bulk, automatic assignment) cost one insert each and no re-read.
use sqlx::Row;

use super::assignment::Picked;
use crate::conversations::model::{MessageExtra, MessageView, SenderKind};
use crate::db::WriteTx;
use crate::domain::MessageDirection;
use crate::events::{EventScope, LiveEvent};
use crate::notifications::model::NotificationKind;
use crate::notifications::ssr::{notify_in_tx, Notice};

/// Who made the change: a named agent, or automatic assignment.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Agent {
        id: i64,
        name: &'a str,
    },
    Automatic,
    /// An automation rule: its own line says what it did.
    Rule,
    /// An agent bot, through the API with its own token.
    Bot {
        name: &'a str,
    },
}

impl<'a> Actor<'a> {
    /// A signed-in agent, by the name teammates see.
    pub fn agent(agent: &'a crate::agents::AgentProfile) -> Self {
        Actor::Agent {
            id: agent.id,
            name: agent.shown_name(),
        }
    }

    fn name(self) -> Option<String> {
        match self {
            Actor::Agent { name, .. } | Actor::Bot { name } => Some(name.to_owned()),
            Actor::Automatic | Actor::Rule => None,
        }
    }

    fn agent_id(self) -> Option<i64> {
        match self {
            Actor::Agent { id, .. } => Some(id),
            Actor::Automatic | Actor::Rule | Actor::Bot { .. } => None,
        }
    }
}

/// A conversation whose hands changed: (id, inbox id).
pub type Changed = (i64, i64);

/// Lines saying the conversations are now `assignee`'s (`None`: nobody's), and a
/// notification for her of each (unless she took them herself).
pub async fn assigned_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    assignee: Option<i64>,
    by: Actor<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    if conversations.is_empty() {
        return Ok(());
    }
    let named = match assignee {
        Some(id) => Some((id, agent_name(tx, id).await?)),
        None => None,
    };
    named_in_tx(tx, account_id, conversations, named, by, now).await
}

/// Lines saying automatic assignment handed the conversations to `picked` (whose
/// name the pick has read), and her notification of each.
pub async fn picked_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    picked: &Picked,
    now: i64,
) -> Result<(), sqlx::Error> {
    let named = Some((picked.id, picked.name.clone()));
    named_in_tx(tx, account_id, conversations, named, Actor::Automatic, now).await
}

async fn named_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    named: Option<(i64, String)>,
    by: Actor<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    if conversations.is_empty() {
        return Ok(());
    }
    let (assignee_id, assignee) = match named {
        Some((id, name)) => (Some(id), Some(name)),
        None => (None, None),
    };
    let body = format!("→ {}", assignee.as_deref().unwrap_or("∅"));
    let extra = MessageExtra::Assigned {
        assignee,
        by: by.name(),
    };
    write(tx, account_id, conversations, &body, &extra, now).await?;
    if let Some(assignee) = assignee_id {
        for &(conversation_id, _) in conversations {
            let notice = Notice {
                kind: NotificationKind::Assigned,
                conversation_id,
                message_id: None,
                actor_agent_id: by.agent_id(),
                preview: None,
            };
            notify_in_tx(tx, &notice, &[assignee]).await?;
        }
    }
    Ok(())
}

/// Lines saying the conversations are now in `team`'s queue (`None`: in none).
pub async fn team_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    team: Option<i64>,
    by: Actor<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    if conversations.is_empty() {
        return Ok(());
    }
    let team = match team {
        Some(id) => Some(
            sqlx::query_scalar::<_, String>("SELECT name FROM teams WHERE id = $1")
                .bind(id)
                .fetch_one(tx.conn())
                .await?,
        ),
        None => None,
    };
    let body = format!("→ {}", team.as_deref().unwrap_or("∅"));
    let extra = MessageExtra::TeamChanged {
        team,
        by: by.name(),
    };
    write(tx, account_id, conversations, &body, &extra, now).await
}

/// A line saying the conversation left its agent bot for the team's queue: handed
/// over by the bot named `by`, or (`None`) because the customer asked for a person.
pub async fn handed_off_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    by: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let extra = MessageExtra::HandedOff {
        by: by.map(str::to_owned),
    };
    let body = format!("→ {}", by.unwrap_or("👤"));
    write(tx, account_id, conversations, &body, &extra, now).await
}

/// A line saying the customer got the out-of-office reply (she wrote outside the hours).
pub async fn out_of_office_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    now: i64,
) -> Result<(), sqlx::Error> {
    let extra = MessageExtra::OutOfOffice;
    write(tx, account_id, conversations, "🌙", &extra, now).await
}

/// A line saying the customer's WhatsApp number changed (she keeps the conversation).
pub async fn number_changed_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    from: &str,
    to: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let extra = MessageExtra::NumberChanged {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    let body = format!("{from} → {to}");
    write(tx, account_id, conversations, &body, &extra, now).await
}

/// A line saying the customer rated the conversation.
pub async fn survey_answered_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    rating: u8,
    comment: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let extra = MessageExtra::SurveyAnswered {
        rating,
        comment: comment.to_owned(),
    };
    let body = format!("★ {rating}/5");
    write(tx, account_id, conversations, &body, &extra, now).await
}

/// A line saying the agent named `by` muted the conversation (blocked its customer),
/// or unmuted it.
pub async fn muted_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    muted: bool,
    by: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let extra = MessageExtra::Muted {
        muted,
        by: by.to_owned(),
    };
    let body = format!("{} {by}", if muted { "🔇" } else { "🔔" });
    write(tx, account_id, conversations, &body, &extra, now).await
}

/// The name teammates see (as `AgentProfile::shown_name`).
pub async fn agent_name(tx: &mut WriteTx, agent_id: i64) -> Result<String, sqlx::Error> {
    let row = sqlx::query("SELECT name, display_name FROM agents WHERE id = $1")
        .bind(agent_id)
        .fetch_one(tx.conn())
        .await?;
    let display: Option<String> = row.try_get("display_name")?;
    display
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| row.try_get("name"), Ok)
}

async fn write(
    tx: &mut WriteTx,
    account_id: i64,
    conversations: &[Changed],
    body: &str,
    extra: &MessageExtra,
    now: i64,
) -> Result<(), sqlx::Error> {
    let attributes = serde_json::to_string(extra).unwrap_or_default();
    let mut events = Vec::with_capacity(conversations.len());
    for &(conversation_id, inbox_id) in conversations {
        let id: i64 = sqlx::query(
            "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, body, content_type, \
             content_attributes, created_at, updated_at) \
             VALUES ($1, $2, $3, 'activity', 0, $4, 'activity', $5, $6, $6) RETURNING id",
        )
        .bind(account_id)
        .bind(inbox_id)
        .bind(conversation_id)
        .bind(body)
        .bind(&attributes)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get("id")?;
        let message = MessageView {
            id,
            conversation_id,
            inbox_id,
            direction: MessageDirection::Activity,
            private: false,
            sender_kind: SenderKind::System,
            sender_name: None,
            sender_id: None,
            body: body.to_owned(),
            delivery_status: None,
            delivery_error: None,
            created_at: now,
            mentions: Vec::new(),
            extra: Some(extra.clone()),
            reaction: None,
            reply_to: None,
            attachments: Vec::new(),
        };
        events.push((
            EventScope {
                inbox_id: Some(inbox_id),
                conversation_id: Some(conversation_id),
                agent_id: None,
            },
            LiveEvent::MessageCreated { message },
        ));
    }
    tx.append_events(account_id, events).await?;
    Ok(())
}
