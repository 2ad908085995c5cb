//! One action on many conversations: the ones the agent may act on change in one
//! transaction with one batch of events; each of the others is reported with why.
use std::collections::{BTreeMap, BTreeSet};

use super::access::{summary_from_row, Viewer, SUMMARY_SELECT, VISIBLE};
use super::actions::{changed, scope};
use super::activity::{self, Actor};
use crate::agents::AgentProfile;
use crate::conversations::model::{
    BulkAction, BulkOutcome, BulkRefusal, ConversationSummary, BULK_MAX,
};
use crate::db::{now_ms, placeholders, Db, WriteTx};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::live::hub::Hub;

pub async fn apply(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    ids: &[i64],
    action: BulkAction,
) -> Result<BulkOutcome, AppError> {
    let ids: Vec<i64> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Err(AppError::validation("ids", "required"));
    }
    if ids.len() > BULK_MAX {
        return Err(AppError::validation("ids", "too_many"));
    }
    let viewer = Viewer::from(agent);
    let now = now_ms();
    let snoozed_until = match action {
        BulkAction::SetStatus {
            status: ConversationStatus::Snoozed,
            snoozed_until: Some(at),
        } if at <= now => return Err(AppError::validation("snoozed_until", "in_past")),
        BulkAction::SetStatus {
            status: ConversationStatus::Snoozed,
            snoozed_until,
        } => snoozed_until,
        _ => None,
    };
    let mut tx = db.begin_write().await?;
    check_action(&mut tx, agent.account_id, action).await?;
    let before = visible_in_tx(&mut tx, viewer, &ids).await?;
    let mut refused: Vec<BulkRefusal> = ids
        .iter()
        .filter(|id| !before.contains_key(id))
        .map(|id| BulkRefusal {
            id: *id,
            reason: "not_found".into(),
        })
        .collect();
    let mut accepted: Vec<i64> = before.keys().copied().collect();
    match action {
        BulkAction::Assign {
            assignee_id: Some(assignee),
        } => {
            let inboxes = inboxes_of(&mut tx, agent.account_id, assignee).await?;
            accepted.retain(|id| {
                let ok = inboxes.contains(&before[id].inbox_id);
                if !ok {
                    refused.push(BulkRefusal {
                        id: *id,
                        reason: "assignee_not_member".into(),
                    });
                }
                ok
            });
        }
        BulkAction::AddLabel { label_id } => accepted.retain(|id| {
            let labels = &before[id].label_ids;
            let ok =
                labels.contains(&label_id) || labels.len() < crate::labels::model::MAX_PER_ITEM;
            if !ok {
                refused.push(BulkRefusal {
                    id: *id,
                    reason: "too_many_labels".into(),
                });
            }
            ok
        }),
        _ => {}
    }
    refused.sort_by_key(|r| r.id);
    if accepted.is_empty() {
        tx.finish().await?;
        return Ok(BulkOutcome {
            updated: Vec::new(),
            refused,
        });
    }
    let by = Actor::agent(agent);
    let taken: Vec<ConversationSummary> = accepted.iter().map(|id| before[id].clone()).collect();
    let after = act_in_tx(
        &mut tx,
        agent.account_id,
        by,
        &taken,
        action,
        snoozed_until,
        now,
    )
    .await?;
    hub.commit(tx).await?;
    let updated = after
        .into_iter()
        .map(|mut a| {
            a.unread_count = before[&a.id].unread_count;
            a
        })
        .collect();
    Ok(BulkOutcome { updated, refused })
}

/// Writes `action` on conversations already checked (`taken`, as they stood): their
/// events, the activity lines of a change of hands and, on a resolve, the survey.
/// Returns them as they are now. Agents' bulk actions and automation rules share it.
pub async fn act_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    by: Actor<'_>,
    taken: &[ConversationSummary],
    action: BulkAction,
    snoozed_until: Option<i64>,
    now: i64,
) -> Result<Vec<ConversationSummary>, AppError> {
    if taken.is_empty() {
        return Ok(Vec::new());
    }
    let before: BTreeMap<i64, ConversationSummary> =
        taken.iter().map(|c| (c.id, c.clone())).collect();
    let ids: Vec<i64> = before.keys().copied().collect();
    write(tx, &ids, action, snoozed_until, now).await?;
    let after = summaries_in_tx(tx, &ids).await?;
    let events: Vec<(EventScope, LiveEvent)> = after
        .iter()
        .filter(|a| !same(&before[&a.id], a))
        .map(|a| (scope(a), changed(&before[&a.id], a)))
        .collect();
    tx.append_events(account_id, events).await?;
    hands_changed(tx, account_id, by, action, &before, &after, now).await?;
    if let BulkAction::SetStatus { status, .. } = action {
        for id in &ids {
            super::survey::on_status_in_tx(tx, account_id, &before[id], status, now).await?;
        }
    }
    Ok(after)
}

/// The activity lines of an assignment or a team change, for the conversations whose
/// assignee or team it changed (and the assignee's notification).
async fn hands_changed(
    tx: &mut WriteTx,
    account_id: i64,
    by: Actor<'_>,
    action: BulkAction,
    before: &BTreeMap<i64, ConversationSummary>,
    after: &[ConversationSummary],
    now: i64,
) -> Result<(), sqlx::Error> {
    let changed = |differs: fn(&ConversationSummary, &ConversationSummary) -> bool| {
        after
            .iter()
            .filter(|a| differs(&before[&a.id], a))
            .map(|a| (a.id, a.inbox_id))
            .collect::<Vec<_>>()
    };
    match action {
        BulkAction::Assign { assignee_id } => {
            let ids = changed(|b, a| b.assignee_id != a.assignee_id);
            activity::assigned_in_tx(tx, account_id, &ids, assignee_id, by, now).await
        }
        BulkAction::SetTeam { team_id } => {
            let ids = changed(|b, a| b.team_id != a.team_id);
            activity::team_in_tx(tx, account_id, &ids, team_id, by, now).await
        }
        _ => Ok(()),
    }
}

/// Whether nothing a list shows changed (the unread count is the viewer's own).
fn same(before: &ConversationSummary, after: &ConversationSummary) -> bool {
    before.assignee_id == after.assignee_id
        && before.status == after.status
        && before.snoozed_until == after.snoozed_until
        && before.priority == after.priority
        && before.label_ids == after.label_ids
        && before.team_id == after.team_id
}

/// The label or assignee the action names must be this account's; otherwise the
/// whole request is refused and nothing changes.
async fn check_action(
    tx: &mut WriteTx,
    account_id: i64,
    action: BulkAction,
) -> Result<(), AppError> {
    match action {
        BulkAction::AddLabel { label_id } | BulkAction::RemoveLabel { label_id } => {
            let known = crate::labels::ssr::existing_in_tx(tx, account_id, &[label_id]).await?;
            if known.is_empty() {
                return Err(AppError::validation("label", "invalid"));
            }
        }
        BulkAction::SetTeam {
            team_id: Some(team),
        } => {
            let known = crate::teams::ssr::exists(tx.conn(), account_id, team).await?;
            if !known {
                return Err(AppError::validation("team", "invalid"));
            }
        }
        BulkAction::Assign {
            assignee_id: Some(assignee),
        } => {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM agents WHERE id = $1 AND account_id = $2 AND active = 1",
            )
            .bind(assignee)
            .bind(account_id)
            .fetch_optional(tx.conn())
            .await?;
            if found.is_none() {
                return Err(AppError::validation("assignee", "invalid"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The inboxes an agent works in: all of the account's for an administrator.
async fn inboxes_of(
    tx: &mut WriteTx,
    account_id: i64,
    agent_id: i64,
) -> Result<BTreeSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT i.id FROM inboxes i WHERE i.account_id = $1 AND \
         ((SELECT role FROM agents WHERE id = $2) = 'administrator' OR \
          i.id IN (SELECT inbox_id FROM inbox_members WHERE agent_id = $2))",
    )
    .bind(account_id)
    .bind(agent_id)
    .fetch_all(tx.conn())
    .await?;
    Ok(ids.into_iter().collect())
}

async fn visible_in_tx(
    tx: &mut WriteTx,
    viewer: Viewer,
    ids: &[i64],
) -> Result<BTreeMap<i64, ConversationSummary>, sqlx::Error> {
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND c.id IN ({})",
        placeholders(4, ids.len())
    );
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64);
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(tx.conn()).await?;
    rows.iter()
        .map(|row| summary_from_row(row).map(|s| (s.id, s)))
        .collect()
}

/// The accepted conversations as they stand in the transaction, for the events
/// (which carry no per-agent unread count).
async fn summaries_in_tx(
    tx: &mut WriteTx,
    ids: &[i64],
) -> Result<Vec<ConversationSummary>, sqlx::Error> {
    // `$2` is the list row's unread viewer: nobody. The first id takes `$1`.
    let sql = format!(
        "{SUMMARY_SELECT} WHERE c.id IN ($1{}{}) ORDER BY c.id",
        if ids.len() > 1 { ", " } else { "" },
        placeholders(3, ids.len() - 1)
    );
    let mut query = sqlx::query(&sql).bind(ids[0]).bind(0_i64);
    for id in &ids[1..] {
        query = query.bind(id);
    }
    let rows = query.fetch_all(tx.conn()).await?;
    rows.iter()
        .map(|row| {
            summary_from_row(row).map(|mut s| {
                s.unread_count = 0;
                s
            })
        })
        .collect()
}

async fn write(
    tx: &mut WriteTx,
    ids: &[i64],
    action: BulkAction,
    snoozed_until: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let list = placeholders(3, ids.len());
    let (sql, first): (String, Option<i64>) = match action {
        BulkAction::Assign { assignee_id } => (
            format!(
                "UPDATE conversations SET assignee_id = $1, updated_at = $2 WHERE id IN ({list})"
            ),
            assignee_id,
        ),
        BulkAction::SetTeam { team_id } => (
            format!("UPDATE conversations SET team_id = $1, updated_at = $2 WHERE id IN ({list})"),
            team_id,
        ),
        BulkAction::SetPriority { priority } => (
            format!("UPDATE conversations SET priority = $1, updated_at = $2 WHERE id IN ({list})"),
            Some(priority.rank()),
        ),
        BulkAction::SetStatus { status, .. } => {
            // Status and the snooze time in one statement: $1 is the status.
            let sql = format!(
                "UPDATE conversations SET status = $1, snoozed_until = ${}, updated_at = $2 WHERE id IN ({list})",
                3 + ids.len()
            );
            let mut query = sqlx::query(&sql).bind(status.as_str()).bind(now);
            for id in ids {
                query = query.bind(id);
            }
            query.bind(snoozed_until).execute(tx.conn()).await?;
            return Ok(());
        }
        BulkAction::AddLabel { label_id } => {
            let rows = (0..ids.len())
                .map(|k| format!("(${}, $1, $2)", k + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES {rows} \
                 ON CONFLICT (conversation_id, label_id) DO NOTHING"
            );
            let mut query = sqlx::query(&sql).bind(label_id).bind(now);
            for id in ids {
                query = query.bind(id);
            }
            query.execute(tx.conn()).await?;
            touch(tx, ids, now).await?;
            return Ok(());
        }
        BulkAction::RemoveLabel { label_id } => {
            let sql = format!(
                "DELETE FROM conversation_labels WHERE label_id = $1 AND conversation_id IN ({})",
                placeholders(2, ids.len())
            );
            let mut query = sqlx::query(&sql).bind(label_id);
            for id in ids {
                query = query.bind(id);
            }
            query.execute(tx.conn()).await?;
            touch(tx, ids, now).await?;
            return Ok(());
        }
    };
    let mut query = sqlx::query(&sql).bind(first).bind(now);
    for id in ids {
        query = query.bind(id);
    }
    query.execute(tx.conn()).await?;
    Ok(())
}

async fn touch(tx: &mut WriteTx, ids: &[i64], now: i64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "UPDATE conversations SET updated_at = $1 WHERE id IN ({})",
        placeholders(2, ids.len())
    );
    let mut query = sqlx::query(&sql).bind(now);
    for id in ids {
        query = query.bind(id);
    }
    query.execute(tx.conn()).await?;
    Ok(())
}
