//! The rules at work. A worker follows each account's event log (its ids are handed
//! out in commit order per account) from a cursor kept in the database, made when the
//! account's first rule is saved and moved on ever since, rules on or off; each event
//! is handled in one transaction with the cursor's step, a compare-and-set from where
//! the worker found it, so after a crash it is handled again whole or not at all, and
//! two replicas that both read it commit it once (the other's transaction rolls back).
//! Rules run in their order; the events a rule's actions cause are marked as the
//! automation's and set off no rule (each rule they would have matched counts a
//! skipped loop). A lease, renewed at every step, keeps replicas from doing the same
//! work side by side.
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::act::{act, mark_origins, record_error, Outcome};
use super::book::{classify, RuleBook};
use super::facts::facts_in_tx;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::automation::{matches, RuleEvent};
use crate::error::AppError;
use crate::events::EventEnvelope;
use crate::live::hub::Hub;

const LEASE_MS: i64 = 30_000;
const BATCH: i64 = 200;
/// An event whose handling keeps failing (not a rule's own error) is passed over
/// after this many tries, with an error in the log, so the account's rules go on.
const MAX_TRIES: u32 = 5;

pub fn spawn(db: Db, hub: Hub) {
    // "No reply for N minutes" is a matter of time passing, not of an event: looked
    // for every half minute (minutes are the rules' unit).
    let (scan_db, scan_hub) = (db.clone(), hub.clone());
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            if let Err(err) = super::no_reply::scan_once(&scan_db, &scan_hub).await {
                tracing::warn!(error = %err, "automation: no-reply pass failed");
            }
        }
    });
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

/// One pass over every account with a cursor; returns the events handled. One
/// account's failure is logged and does not hold the others back.
pub async fn run_once(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    let accounts: Vec<i64> = sqlx::query_scalar("SELECT account_id FROM automation_cursors")
        .fetch_all(&db.pool)
        .await?;
    let mut handled = 0;
    for account in accounts {
        match account_once(db, hub, account).await {
            Ok(n) => handled += n,
            Err(err) => tracing::warn!(account, error = %err, "automation: account pass failed"),
        }
    }
    Ok(handled)
}

/// The account's cursor, leased (`None`: another worker holds it).
async fn lease(db: &Db, account_id: i64, now: i64) -> Result<Option<i64>, AppError> {
    let _turn = db.write_turn().await;
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

/// Gives the lease back, unless another worker has moved the cursor since (theirs).
async fn release(db: &Db, account_id: i64, at: i64) -> Result<(), AppError> {
    let _turn = db.write_turn().await;
    sqlx::query(
        "UPDATE automation_cursors SET locked_until = 0 WHERE account_id = $1 AND last_event_id = $2",
    )
    .bind(account_id)
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Moves the cursor from `from` to `to` and renews the lease; `false` when it was not
/// at `from` any more (another worker handled the event: this transaction must not
/// commit).
async fn step(tx: &mut WriteTx, account_id: i64, from: i64, to: i64) -> Result<bool, AppError> {
    let moved = sqlx::query(
        "UPDATE automation_cursors SET last_event_id = $1, locked_until = $2 \
         WHERE account_id = $3 AND last_event_id = $4",
    )
    .bind(to)
    .bind(now_ms() + LEASE_MS)
    .bind(account_id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    Ok(moved.rows_affected() == 1)
}

/// Tries of events that failed, by (account, event).
fn tries() -> &'static Mutex<HashMap<(i64, i64), u32>> {
    static TRIES: OnceLock<Mutex<HashMap<(i64, i64), u32>>> = OnceLock::new();
    TRIES.get_or_init(Default::default)
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
    let Some(mut cursor) = lease(db, account_id, now_ms()).await? else {
        return Ok(0);
    };
    let result = follow(db, hub, account_id, &mut cursor).await;
    release(db, account_id, cursor).await?;
    result
}

/// Handles the events after `cursor`, moving it along.
async fn follow(db: &Db, hub: &Hub, account_id: i64, cursor: &mut i64) -> Result<usize, AppError> {
    let events = crate::db::events::since(db, account_id, *cursor, BATCH).await?;
    let mut rules = RuleBook::load(db, account_id).await?;
    let mut handled = 0;
    // Events no rule listens to are passed over together, with one step.
    let mut passed = None;
    for envelope in &events {
        if !rules.listens(envelope) {
            passed = Some(envelope.id);
            continue;
        }
        if let Some(last) = passed.take() {
            if !pass_over(db, account_id, *cursor, last).await? {
                return Ok(handled);
            }
            *cursor = last;
        }
        match handle(db, hub, &mut rules, envelope, *cursor).await {
            Ok(true) => {}
            // Another worker took this event: it is theirs, and so is the rest.
            Ok(false) => return Ok(handled),
            Err(err) => {
                let key = (account_id, envelope.id);
                let tried = {
                    let mut tries = tries().lock().expect("tries lock");
                    let n = tries.entry(key).or_insert(0);
                    *n += 1;
                    *n
                };
                if tried < MAX_TRIES {
                    return Err(err);
                }
                tracing::error!(account = account_id, event = envelope.id, error = %err,
                    "automation: an event kept failing and was passed over");
                tries().lock().expect("tries lock").remove(&key);
                if !pass_over(db, account_id, *cursor, envelope.id).await? {
                    return Ok(handled);
                }
            }
        }
        *cursor = envelope.id;
        handled += 1;
    }
    if let Some(last) = passed {
        if pass_over(db, account_id, *cursor, last).await? {
            *cursor = last;
            handled += 1;
        }
    }
    Ok(handled)
}

async fn pass_over(db: &Db, account_id: i64, from: i64, to: i64) -> Result<bool, AppError> {
    let mut tx = db.begin_write().await?;
    if !step(&mut tx, account_id, from, to).await? {
        return Ok(false);
    }
    tx.finish().await?;
    Ok(true)
}

/// Handles one event in one transaction with the cursor's step (from `from`); `false`
/// when another worker had handled it. A rule whose actions are refused (what they
/// name cannot take them) is recorded with its error and the event is handled again
/// without it, so one broken rule never stops the others; a failure of the database
/// itself is returned, and the event is tried again.
async fn handle(
    db: &Db,
    hub: &Hub,
    rules: &mut RuleBook,
    envelope: &EventEnvelope,
    from: i64,
) -> Result<bool, AppError> {
    let mut excluded: Vec<i64> = Vec::new();
    loop {
        match attempt(db, hub, rules, envelope, from, &excluded).await? {
            Attempt::Done(done) => return Ok(done),
            Attempt::RuleFailed(rule_id, error) => {
                record_error(db, rule_id, &error).await?;
                excluded.push(rule_id);
            }
        }
    }
}

enum Attempt {
    /// Committed (`true`), or another worker had moved the cursor (`false`).
    Done(bool),
    /// This rule's actions were refused; nothing of the attempt was kept.
    RuleFailed(i64, AppError),
}

async fn attempt(
    db: &Db,
    hub: &Hub,
    rules: &mut RuleBook,
    envelope: &EventEnvelope,
    from: i64,
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
    let mut caused_by = Vec::new();
    for (event, conversation_id, message) in classify(envelope) {
        let Some(list) = rules.by_event.get(&event) else {
            continue;
        };
        // What the rules see, read once and again only after a rule has acted (50
        // rules that do not match cost no query each).
        let mut seen = None;
        // Whether the customer was muted before this event's rules ran: one of them
        // muting her does not stop the others (each rule is judged on its own).
        let mut muted_before: Option<bool> = None;
        for (rule, checked) in list {
            if excluded.contains(&rule.id) || switched_off.contains(&rule.id) {
                continue;
            }
            if seen.is_none() {
                // A conversation gone since (its contact deleted) has nothing to act on.
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM conversations WHERE id = $1")
                        .bind(conversation_id)
                        .fetch_optional(tx.conn())
                        .await?;
                if exists.is_none() {
                    break;
                }
                seen = Some(facts_in_tx(tx.conn(), conversation_id, message, now).await?);
            }
            let Some((summary, facts)) = seen.clone() else {
                break;
            };
            // A muted customer's messages and new conversations set off no rule: nothing
            // answers, assigns or reopens her (agents' own changes still do).
            let muted = *muted_before.get_or_insert(summary.muted);
            if muted && (message.is_some() || event == RuleEvent::ConversationCreated) {
                break;
            }
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
            match act(&mut tx, account_id, rule, checked, &summary, now).await? {
                Outcome::Ran(caused) => {
                    caused_by.push((rule.id, caused));
                    seen = None;
                }
                Outcome::SwitchedOff => switched_off.push(rule.id),
                Outcome::Refused(err) => return Ok(Attempt::RuleFailed(rule.id, err)),
            }
        }
    }
    mark_origins(&mut tx, &caused_by).await?;
    if !step(&mut tx, account_id, from, envelope.id).await? {
        return Ok(Attempt::Done(false));
    }
    hub.commit(tx).await?;
    for id in switched_off {
        for list in rules.by_event.values_mut() {
            list.retain(|(r, _)| r.id != id);
        }
    }
    Ok(Attempt::Done(true))
}
