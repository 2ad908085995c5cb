//! Writing notifications inside the transaction of what caused them: a row per
//! recipient (the bell's list and the delivery workers' queue at once) and a live
//! event to that agent only. Nothing is sent from here: after commit the hub wakes
//! the push worker, and the email worker finds what is due.
use sqlx::Row;

use crate::db::{now_ms, placeholders, WriteTx};
use crate::events::{EventScope, LiveEvent};
use crate::notifications::model::{NotificationKind, NotificationView, Ways};

/// What happened, to whom it is told.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NotificationKind,
    pub conversation_id: i64,
    pub message_id: Option<i64>,
    /// The teammate who did it (never notified of her own act); `None`: the customer
    /// or automatic assignment.
    pub actor_agent_id: Option<i64>,
    /// What the bell and the push show under the title; `None`: the conversation's
    /// latest message.
    pub preview: Option<String>,
}

/// Rows per insert statement (three parameters each, within every backend's limit).
const INSERT_CHUNK: usize = 500;

/// Previews are cut to this many characters (bell, push, email alike).
pub const PREVIEW_CHARS: usize = 140;

/// A notification of `notice` for each of `recipients` whose preferences want one.
pub async fn notify_in_tx(
    tx: &mut WriteTx,
    notice: &Notice,
    recipients: &[i64],
) -> Result<(), sqlx::Error> {
    let recipients: Vec<i64> = recipients
        .iter()
        .copied()
        .filter(|r| Some(*r) != notice.actor_agent_id)
        .collect();
    if recipients.is_empty() {
        return Ok(());
    }
    // One recipient (an assignee, the most common case): her choices come with the
    // conversation, in the same read.
    let single = match recipients.as_slice() {
        [one] => *one,
        _ => 0,
    };
    let about = sqlx::query(
        "SELECT c.account_id, c.display_id, c.inbox_id, c.last_message_preview, ct.name AS contact_name, \
         (SELECT COALESCE(NULLIF(a.display_name, ''), a.name) FROM agents a WHERE a.id = $2) AS actor_name, \
         p.push, p.email, p.sound \
         FROM conversations c JOIN contacts ct ON ct.id = c.contact_id \
         LEFT JOIN notification_prefs p ON p.agent_id = $3 AND p.kind = $4 WHERE c.id = $1",
    )
    .bind(notice.conversation_id)
    .bind(notice.actor_agent_id.unwrap_or(0))
    .bind(single)
    .bind(notice.kind.as_str())
    .fetch_one(tx.conn())
    .await?;
    let account_id: i64 = about.try_get("account_id")?;
    let inbox_id: i64 = about.try_get("inbox_id")?;
    let display_id: i64 = about.try_get("display_id")?;
    let actor_name: Option<String> = match notice.actor_agent_id {
        Some(_) => about.try_get("actor_name")?,
        None => Some(about.try_get("contact_name")?),
    };
    let preview: String = match &notice.preview {
        Some(p) => p.clone(),
        None => about
            .try_get::<Option<String>, _>("last_message_preview")?
            .unwrap_or_default(),
    }
    .chars()
    .take(PREVIEW_CHARS)
    .collect();
    let chosen = match single {
        0 => ways_of(tx, notice.kind, &recipients).await?,
        agent => match about.try_get::<Option<i64>, _>("push")? {
            Some(push) => vec![(
                agent,
                Ways {
                    push: push != 0,
                    email: about.try_get::<Option<i64>, _>("email")?.unwrap_or(0) != 0,
                    sound: about.try_get::<Option<i64>, _>("sound")?.unwrap_or(0) != 0,
                },
            )],
            None => Vec::new(),
        },
    };
    // The bell always tells of what is hers; of every new conversation only if asked.
    let wanted: Vec<(i64, Ways)> = recipients
        .iter()
        .map(|agent| {
            let ways = chosen
                .iter()
                .find(|(a, _)| a == agent)
                .map_or_else(|| notice.kind.default_ways(), |(_, w)| *w);
            (*agent, ways)
        })
        .filter(|(_, ways)| notice.kind != NotificationKind::NewConversation || ways.any())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    // Rows in a few statements rather than one per agent (a new conversation may tell
    // thousands), their ids returned by the same statements.
    let mut ids: Vec<(i64, i64)> = Vec::with_capacity(wanted.len());
    for chunk in wanted.chunks(INSERT_CHUNK) {
        let rows = (0..chunk.len())
            .map(|k| {
                let p = 7 + k * 3;
                format!("($1, ${p}, $2, $3, $4, $5, $6, ${}, ${})", p + 1, p + 2)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO notifications (account_id, agent_id, kind, conversation_id, message_id, actor_agent_id, \
             created_at, push_pending, email_state) VALUES {rows} RETURNING id, agent_id"
        );
        let mut query = sqlx::query(&sql)
            .bind(account_id)
            .bind(notice.kind.as_str())
            .bind(notice.conversation_id)
            .bind(notice.message_id)
            .bind(notice.actor_agent_id)
            .bind(now);
        for (agent_id, ways) in chunk {
            let email = (ways.email && notice.kind.emails()).then_some("pending");
            query = query.bind(*agent_id).bind(ways.push as i64).bind(email);
        }
        for row in query.fetch_all(tx.conn()).await? {
            ids.push((row.try_get("id")?, row.try_get("agent_id")?));
        }
    }
    // RETURNING's order is not promised; the bell lists them in id order.
    ids.sort_unstable();
    let sound: std::collections::HashMap<i64, bool> =
        wanted.iter().map(|(a, w)| (*a, w.sound)).collect();
    let mut events = Vec::with_capacity(wanted.len());
    for (id, agent_id) in ids {
        let Some(&sound) = sound.get(&agent_id) else {
            continue;
        };
        let notification = NotificationView {
            id,
            kind: notice.kind,
            conversation_id: notice.conversation_id,
            display_id,
            actor_name: actor_name.clone(),
            preview: preview.clone(),
            created_at: now,
            read: false,
            sound,
        };
        events.push((
            EventScope {
                inbox_id: Some(inbox_id),
                conversation_id: Some(notice.conversation_id),
                agent_id: Some(agent_id),
            },
            LiveEvent::NotificationCreated { notification },
        ));
    }
    tx.append_events(account_id, events).await?;
    Ok(())
}

/// Agents of the inbox (members, and administrators, who see every inbox) who asked to
/// hear of new conversations there.
pub async fn new_conversation_listeners(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let sql = format!(
        "SELECT a.id FROM notification_prefs p JOIN agents a ON a.id = p.agent_id \
         WHERE p.kind = 'new_conversation' AND (p.push = 1 OR p.email = 1 OR p.sound = 1) \
         AND a.account_id = $1 AND a.active = 1 AND {}",
        crate::auth::permission::sees_inbox("$2")
    );
    sqlx::query_scalar(&sql)
        .bind(account_id)
        .bind(inbox_id)
        .fetch_all(tx.conn())
        .await
}

/// The stored choices of these agents for `kind` (absent: the defaults).
async fn ways_of(
    tx: &mut WriteTx,
    kind: NotificationKind,
    agents: &[i64],
) -> Result<Vec<(i64, Ways)>, sqlx::Error> {
    let sql = format!(
        "SELECT agent_id, push, email, sound FROM notification_prefs WHERE kind = $1 AND agent_id IN ({})",
        placeholders(2, agents.len())
    );
    let mut query = sqlx::query(&sql).bind(kind.as_str());
    for agent in agents {
        query = query.bind(*agent);
    }
    query
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("agent_id")?,
                Ways {
                    push: r.try_get::<i64, _>("push")? != 0,
                    email: r.try_get::<i64, _>("email")? != 0,
                    sound: r.try_get::<i64, _>("sound")? != 0,
                },
            ))
        })
        .collect()
}
