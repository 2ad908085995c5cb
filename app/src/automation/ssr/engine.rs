//! The rules at work. A worker follows each account's event log (its ids are handed
//! out in commit order per account) from a cursor kept in the database; each event is
//! handled in one transaction with the cursor's step, so after a crash it is handled
//! again whole or not at all, and never twice. Rules run in their order; a rule's
//! actions are written with the events they cause marked as the automation's, and an
//! event the automation caused sets off no rule (each rule it would have matched
//! counts a skipped loop). A lease keeps two replicas off the same account.
use std::collections::HashMap;
use std::time::Duration;

use super::apply::{apply_in_tx, missing_in_tx};
use super::facts::{facts_in_tx, from_customer};
use crate::automation::model::AutomationRule;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::automation::{matches, CheckedRule, RuleEvent, RuleInput};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::events::{EventEnvelope, LiveEvent};
use crate::live::hub::Hub;

const LEASE_MS: i64 = 30_000;
const BATCH: i64 = 200;

pub fn spawn(db: Db, hub: Hub) {
    tokio::spawn(async move {
        loop {
            match run_once(&db, &hub).await {
                // Reading the log's end is cheap; new events are looked for four times a second.
                Ok(0) => tokio::time::sleep(Duration::from_millis(250)).await,
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "automation pass failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}

/// One pass over every account with an active rule; returns the events handled.
pub async fn run_once(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    let accounts: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT account_id FROM automation_rules WHERE active = 1")
            .fetch_all(&db.pool)
            .await?;
    let mut handled = 0;
    for account in accounts {
        handled += account_once(db, hub, account).await?;
    }
    Ok(handled)
}

/// The account's cursor, leased; a new one starts at the log's end (rules act on
/// what happens from now on).
async fn lease(db: &Db, account_id: i64, now: i64) -> Result<Option<i64>, AppError> {
    let _turn = db.write_turn().await;
    sqlx::query(
        "INSERT INTO automation_cursors (account_id, last_event_id, locked_until) \
         SELECT $1, COALESCE(MAX(id), 0), 0 FROM events WHERE account_id = $1 \
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account_id)
    .execute(&db.pool)
    .await?;
    let cursor: Option<i64> = sqlx::query_scalar(
        "UPDATE automation_cursors SET locked_until = $1 WHERE account_id = $2 AND locked_until < $3 \
         RETURNING last_event_id",
    )
    .bind(now + LEASE_MS)
    .bind(account_id)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(cursor)
}

async fn release(db: &Db, account_id: i64) -> Result<(), AppError> {
    let _turn = db.write_turn().await;
    sqlx::query("UPDATE automation_cursors SET locked_until = 0 WHERE account_id = $1")
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

async fn account_once(db: &Db, hub: &Hub, account_id: i64) -> Result<usize, AppError> {
    // Nothing new: no lease is written.
    let (read, newest): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT last_event_id FROM automation_cursors WHERE account_id = $1), \
         (SELECT MAX(id) FROM events WHERE account_id = $1)",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await?;
    if newest.is_none() || (read.is_some() && read >= newest) {
        return Ok(0);
    }
    let Some(cursor) = lease(db, account_id, now_ms()).await? else {
        return Ok(0);
    };
    let events = crate::db::events::since(db, account_id, cursor, BATCH).await?;
    let mut rules = RuleBook::load(db, account_id).await?;
    let mut handled = 0;
    // Events no rule listens to are passed over together, with one step at the end.
    let mut passed = None;
    for envelope in &events {
        if !rules.listens(envelope) {
            passed = Some(envelope.id);
            continue;
        }
        passed = None;
        if let Err(err) = handle(db, hub, &mut rules, envelope).await {
            release(db, account_id).await?;
            return Err(err);
        }
        handled += 1;
    }
    if let Some(last) = passed {
        let mut tx = db.begin_write().await?;
        step(&mut tx, account_id, last).await?;
        tx.finish().await?;
    }
    release(db, account_id).await?;
    Ok(handled + usize::from(passed.is_some()))
}

/// The account's active rules, checked, in order, by event.
struct RuleBook {
    by_event: HashMap<RuleEvent, Vec<(AutomationRule, CheckedRule)>>,
}

impl RuleBook {
    async fn load(db: &Db, account_id: i64) -> Result<RuleBook, AppError> {
        let mut by_event: HashMap<RuleEvent, Vec<(AutomationRule, CheckedRule)>> = HashMap::new();
        for rule in super::store::list(db, account_id).await? {
            if !rule.active {
                continue;
            }
            let input = RuleInput {
                name: rule.name.clone(),
                description: rule.description.clone(),
                event_name: rule.event_name,
                conditions: rule.conditions.clone(),
                actions: rule.actions.clone(),
                active: true,
                no_reply_minutes: rule.no_reply_minutes,
            };
            if let Ok(checked) = input.checked() {
                by_event
                    .entry(rule.event_name)
                    .or_default()
                    .push((rule, checked));
            }
        }
        Ok(RuleBook { by_event })
    }

    fn listens(&self, envelope: &EventEnvelope) -> bool {
        classify(envelope)
            .iter()
            .any(|(event, _, _)| self.by_event.get(event).is_some_and(|l| !l.is_empty()))
    }
}

/// What an event means to rules: (event, conversation, the customer's message).
fn classify(
    envelope: &EventEnvelope,
) -> Vec<(
    RuleEvent,
    i64,
    Option<&crate::conversations::model::MessageView>,
)> {
    match &envelope.event {
        LiveEvent::ConversationChanged {
            conversation,
            previous: None,
        } => vec![(RuleEvent::ConversationCreated, conversation.id, None)],
        LiveEvent::ConversationChanged {
            conversation,
            previous: Some(previous),
        } => {
            let mut out = Vec::new();
            if previous.status != conversation.status
                || previous.assignee_id != conversation.assignee_id
            {
                out.push((RuleEvent::ConversationUpdated, conversation.id, None));
            }
            if conversation.status == ConversationStatus::Resolved
                && previous.status != ConversationStatus::Resolved
            {
                out.push((RuleEvent::ConversationResolved, conversation.id, None));
            }
            out
        }
        LiveEvent::MessageCreated { message } if from_customer(message) => {
            vec![(
                RuleEvent::MessageCreated,
                message.conversation_id,
                Some(message),
            )]
        }
        _ => Vec::new(),
    }
}

async fn step(tx: &mut WriteTx, account_id: i64, event_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE automation_cursors SET last_event_id = $1 WHERE account_id = $2")
        .bind(event_id)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Handles one event in one transaction with the cursor's step. A rule whose actions
/// fail is recorded with its error and the event is handled again without it, so one
/// broken rule never stops the others nor the log.
async fn handle(
    db: &Db,
    hub: &Hub,
    rules: &mut RuleBook,
    envelope: &EventEnvelope,
) -> Result<(), AppError> {
    let mut excluded: Vec<i64> = Vec::new();
    loop {
        match attempt(db, hub, rules, envelope, &excluded).await? {
            Ok(()) => return Ok(()),
            Err((rule_id, error)) => {
                tracing::warn!(rule = rule_id, %error, "automation rule failed");
                let _turn = db.write_turn().await;
                sqlx::query(
                    "UPDATE automation_rules SET last_error = $1, last_error_at = $2 WHERE id = $3",
                )
                .bind(error.to_string().chars().take(500).collect::<String>())
                .bind(now_ms())
                .bind(rule_id)
                .execute(&db.pool)
                .await?;
                excluded.push(rule_id);
            }
        }
    }
}

type Attempt = Result<(), (i64, AppError)>;

async fn attempt(
    db: &Db,
    hub: &Hub,
    rules: &mut RuleBook,
    envelope: &EventEnvelope,
    excluded: &[i64],
) -> Result<Attempt, AppError> {
    let account_id = envelope.account_id;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let caused: Option<i64> =
        sqlx::query_scalar("SELECT rule_id FROM automation_event_origins WHERE event_id = $1")
            .bind(envelope.id)
            .fetch_optional(tx.conn())
            .await?;
    let mut switched_off = Vec::new();
    for (event, conversation_id, message) in classify(envelope) {
        let Some(list) = rules.by_event.get(&event) else {
            continue;
        };
        for (rule, checked) in list {
            if excluded.contains(&rule.id) || switched_off.contains(&rule.id) {
                continue;
            }
            // A conversation gone since (its contact deleted) has nothing to act on.
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM conversations WHERE id = $1")
                    .bind(conversation_id)
                    .fetch_optional(tx.conn())
                    .await?;
            if exists.is_none() {
                break;
            }
            let (summary, facts) = facts_in_tx(&mut tx, conversation_id, message, now).await?;
            if !matches(&checked.conditions, &facts) {
                continue;
            }
            if caused.is_some() {
                sqlx::query(
                    "UPDATE automation_rules SET skipped_loops = skipped_loops + 1 WHERE id = $1",
                )
                .bind(rule.id)
                .execute(tx.conn())
                .await?;
                continue;
            }
            if let Some(what) = missing_in_tx(&mut tx, account_id, &checked.actions).await? {
                sqlx::query(
                    "UPDATE automation_rules SET active = 0, disabled_reason = $1, last_error = $1, \
                     last_error_at = $2 WHERE id = $3",
                )
                .bind(format!("missing: {what}"))
                .bind(now)
                .bind(rule.id)
                .execute(tx.conn())
                .await?;
                switched_off.push(rule.id);
                continue;
            }
            let mark = tx.appended().len();
            if let Err(err) = apply_in_tx(
                &mut tx,
                account_id,
                &rule.name,
                &summary,
                &checked.actions,
                now,
            )
            .await
            {
                return Ok(Err((rule.id, err)));
            }
            let caused_now: Vec<i64> = tx.appended()[mark..].to_vec();
            for id in caused_now {
                sqlx::query(
                    "INSERT INTO automation_event_origins (event_id, rule_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(rule.id)
                .execute(tx.conn())
                .await?;
            }
            sqlx::query(
                "UPDATE automation_rules SET runs = runs + 1, last_run_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(rule.id)
            .execute(tx.conn())
            .await?;
        }
    }
    step(&mut tx, account_id, envelope.id).await?;
    hub.commit(tx).await?;
    for id in switched_off {
        for list in rules.by_event.values_mut() {
            list.retain(|(r, _)| r.id != id);
        }
    }
    Ok(Ok(()))
}
