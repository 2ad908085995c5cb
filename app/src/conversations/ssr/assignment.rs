//! Automatic assignment: a conversation a customer opens goes to the next member of
//! its inbox (of its team, when it has one) who is online, under the inbox's limit of
//! open conversations (hers in that inbox) and under her own (hers in every inbox), by
//! round robin. Nobody fits: it stays unassigned. Chosen in
//! the transaction that opens the conversation, so its first event already carries
//! the assignee; on PostgreSQL an inbox lock makes concurrent arrivals take turns, and
//! an agent's lock the picks of an agent with a limit of her own.
use sqlx::Row;

use crate::conversations::model::ConversationSummary;
use crate::db::{Backend, WriteTx};

/// An inbox's automatic assignment (its settings' `auto_assign`, on for inboxes
/// created since, and `auto_assign_limit`, 0 for no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoAssign {
    pub enabled: bool,
    pub limit: i64,
}

pub async fn settings(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
) -> Result<AutoAssign, sqlx::Error> {
    let text: Option<String> = sqlx::query_scalar("SELECT settings FROM inboxes WHERE id = $1")
        .bind(inbox_id)
        .fetch_optional(conn)
        .await?;
    Ok(AutoAssign::from_settings(text.as_deref()))
}

impl AutoAssign {
    /// The rule in an inbox's settings (JSON text; absent or unreadable: off).
    pub fn from_settings(text: Option<&str>) -> Self {
        let json: serde_json::Value = text
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        AutoAssign {
            enabled: json["auto_assign"].as_bool().unwrap_or(false),
            limit: json["auto_assign_limit"].as_i64().unwrap_or(0).max(0),
        }
    }
}

/// Concurrent assignments in one inbox take turns (PostgreSQL; SQLite has one writer).
/// Held to the end of the transaction; taking it again in it is free.
pub async fn lock_inbox(tx: &mut WriteTx, inbox_id: i64) -> Result<(), sqlx::Error> {
    if tx.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7462, CAST($1 AS INTEGER))")
            .bind(inbox_id)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

/// The agent a pick chose, with the name teammates see (for the activity line, which
/// would otherwise read it again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub id: i64,
    pub name: String,
}

/// The agent whose turn it is, if anyone may take one more conversation now; her
/// turn is taken in the same transaction.
pub async fn pick_in_tx(
    tx: &mut WriteTx,
    inbox_id: i64,
    team_id: Option<i64>,
) -> Result<Option<Picked>, sqlx::Error> {
    let rule = settings(tx.conn(), inbox_id).await?;
    if !rule.enabled {
        return Ok(None);
    }
    lock_inbox(tx, inbox_id).await?;
    pick_by_rule(tx, inbox_id, team_id, rule).await
}

/// [`pick_in_tx`] for a caller that has read the inbox's rule and, when it is on,
/// taken the inbox's lock (every statement saved counts on an inbound message).
pub async fn pick_by_rule(
    tx: &mut WriteTx,
    inbox_id: i64,
    team_id: Option<i64>,
    rule: AutoAssign,
) -> Result<Option<Picked>, sqlx::Error> {
    if !rule.enabled {
        return Ok(None);
    }
    // Open conversations come from the tallies the triggers keep (one row each), so a
    // pick costs the same whether she holds three conversations or three thousand.
    let rows = sqlx::query(
        "SELECT a.id, a.name, a.display_name, \
         COALESCE((SELECT t.total FROM conversation_tallies t WHERE t.inbox_id = $1 AND t.status = 'open' AND t.assignee_id = a.id), 0) AS open_count, \
         CASE WHEN a.max_open > 0 THEN COALESCE((SELECT CAST(SUM(t.total) AS BIGINT) FROM conversation_tallies t WHERE t.assignee_id = a.id AND t.status = 'open'), 0) ELSE 0 END AS all_open, \
         a.max_open, \
         COALESCE((SELECT r.turn FROM assignment_turns r WHERE r.inbox_id = $1 AND r.agent_id = a.id), 0) AS turn \
         FROM agents a JOIN inbox_members m ON m.agent_id = a.id AND m.inbox_id = $1 \
         WHERE a.active = 1 AND a.availability = 'online' \
         AND ($2 = 0 OR a.id IN (SELECT tm.agent_id FROM team_members tm WHERE tm.team_id = $2)) \
         ORDER BY turn, a.id",
    )
    .bind(inbox_id)
    .bind(team_id.unwrap_or(0))
    .fetch_all(tx.conn())
    .await?;
    let mut chosen = None;
    // Agents with a limit of their own whose lock this pick has waited for: at most
    // one wait, taken while holding no other agent's lock, so two picks never wait on
    // each other crosswise; later ones are tried and skipped when busy.
    let mut waited = false;
    for row in &rows {
        let open: i64 = row.try_get("open_count")?;
        let all_open: i64 = row.try_get("all_open")?;
        let own_limit: i64 = row.try_get("max_open")?;
        if (rule.limit > 0 && open >= rule.limit) || (own_limit > 0 && all_open >= own_limit) {
            continue;
        }
        let agent: i64 = row.try_get("id")?;
        if own_limit > 0 && tx.backend == Backend::Postgres {
            let wait = !waited;
            waited = true;
            if !room_everywhere(tx, agent, own_limit, wait).await? {
                continue;
            }
        }
        // The name teammates see, as `AgentProfile::shown_name` chooses it.
        let display: Option<String> = row.try_get("display_name")?;
        let name = match display.filter(|d| !d.trim().is_empty()) {
            Some(display) => display,
            None => row.try_get("name")?,
        };
        chosen = Some(Picked { id: agent, name });
        break;
    }
    let Some(picked) = chosen else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO assignment_turns (inbox_id, agent_id, turn) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(turn), 0) + 1 FROM assignment_turns WHERE inbox_id = $1)) \
         ON CONFLICT (inbox_id, agent_id) DO UPDATE SET turn = EXCLUDED.turn",
    )
    .bind(inbox_id)
    .bind(picked.id)
    .execute(tx.conn())
    .await?;
    Ok(Some(picked))
}

/// Her own limit counts every inbox, whose picks do not take turns with this one's:
/// picks of her take turns instead (PostgreSQL's advisory lock of hers, held to
/// commit), and the one that waited reads her open conversations again. Without
/// `wait`, a lock another pick holds counts as no room.
async fn room_everywhere(
    tx: &mut WriteTx,
    agent: i64,
    own_limit: i64,
    wait: bool,
) -> Result<bool, sqlx::Error> {
    if wait {
        sqlx::query("SELECT pg_advisory_xact_lock(7463, CAST($1 AS INTEGER))")
            .bind(agent)
            .execute(tx.conn())
            .await?;
    } else {
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(CASE WHEN pg_try_advisory_xact_lock(7463, CAST($1 AS INTEGER)) THEN 1 ELSE 0 END AS BIGINT)",
        )
        .bind(agent)
        .fetch_one(tx.conn())
        .await?;
        if held == 0 {
            return Ok(false);
        }
    }
    let open: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM conversation_tallies \
         WHERE assignee_id = $1 AND status = 'open'",
    )
    .bind(agent)
    .fetch_one(tx.conn())
    .await?;
    Ok(open < own_limit)
}

/// A conversation the customer has just reopened goes back into the rotation when
/// nobody has it or its agent is not online (away, busy, deactivated); it stays hers
/// when nobody else is online either. Returns the new assignee.
pub async fn reopened_in_tx(
    tx: &mut WriteTx,
    conversation: &ConversationSummary,
) -> Result<Option<Picked>, sqlx::Error> {
    if let Some(agent) = conversation.assignee_id {
        let online: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM agents WHERE id = $1 AND active = 1 AND availability = 'online'",
        )
        .bind(agent)
        .fetch_optional(tx.conn())
        .await?;
        if online.is_some() {
            return Ok(None);
        }
    }
    let picked = pick_in_tx(tx, conversation.inbox_id, conversation.team_id).await?;
    if let Some(agent) = &picked {
        sqlx::query("UPDATE conversations SET assignee_id = $1 WHERE id = $2")
            .bind(agent.id)
            .bind(conversation.id)
            .execute(tx.conn())
            .await?;
    }
    Ok(picked)
}
