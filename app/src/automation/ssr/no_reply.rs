//! "No reply for N minutes": every half minute, each active rule of that event looks
//! at the open conversations whose customer has waited longer than its minutes
//! (`waiting_since`, which a reply clears) and that it has not looked at in this wait.
//! Like the event rules, a rule acts on what happens once it is saved: waits that
//! passed its minutes before that are not its business. Each is handled in its own transaction that claims (rule, conversation, wait) first
//! (`automation_no_reply_runs`): a crash leaves it whole or undone, a replica that
//! claimed it first makes this one roll back. Conditions are read then, once per wait.
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::act::{act, mark_origins, record_error, Outcome};
use super::book::RuleBook;
use super::facts::facts_in_tx;
use crate::automation::model::AutomationRule;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::automation::{matches, CheckedRule, RuleEvent, NO_REPLY_MINUTES};
use crate::error::AppError;
use crate::live::hub::Hub;

/// Conversations one rule looks at per pass (the rest wait for the next).
const PER_PASS: i64 = 100;
/// A conversation whose handling keeps failing (the database's error, not the rule's)
/// is passed over for this wait after this many passes, with an error in the log.
const MAX_TRIES: u32 = 5;

/// Failed tries by (rule, conversation, wait).
type Tries = Mutex<HashMap<(i64, i64, i64), u32>>;

fn tries() -> &'static Tries {
    static TRIES: OnceLock<Tries> = OnceLock::new();
    TRIES.get_or_init(Default::default)
}

/// One pass over every account with an active no-reply rule; returns how many
/// conversations the rules acted on.
pub async fn scan_once(db: &Db, hub: &Hub) -> Result<usize, AppError> {
    let accounts: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT account_id FROM automation_rules WHERE active = 1 AND event_name = 'no_reply'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut acted = 0;
    for account_id in accounts {
        let book = match RuleBook::load(db, account_id).await {
            Ok(book) => book,
            Err(err) => {
                tracing::warn!(account = account_id, error = %err, "automation: no-reply pass failed");
                continue;
            }
        };
        let Some(rules) = book.by_event.get(&RuleEvent::NoReply) else {
            continue;
        };
        for (rule, checked) in rules {
            match scan_rule(db, hub, account_id, rule, checked).await {
                Ok(n) => acted += n,
                Err(err) => {
                    tracing::warn!(rule = rule.id, error = %err, "automation: no-reply pass failed")
                }
            }
        }
    }
    Ok(acted)
}

async fn scan_rule(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    rule: &AutomationRule,
    checked: &CheckedRule,
) -> Result<usize, AppError> {
    let minutes_ms = i64::from(rule.no_reply_minutes.unwrap_or(NO_REPLY_MINUTES.0)) * 60_000;
    // Saved (or switched on) at: the rule's own start, as the event rules' cursor is.
    let saved: Option<i64> =
        sqlx::query_scalar("SELECT updated_at FROM automation_rules WHERE id = $1 AND active = 1")
            .bind(rule.id)
            .fetch_optional(&db.pool)
            .await?;
    let Some(saved) = saved else {
        return Ok(0);
    };
    let waiting: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.waiting_since FROM conversations c WHERE c.account_id = $1 AND c.status = 'open' \
         AND COALESCE(c.waiting_since, 9223372036854775807) BETWEEN $2 AND $3 \
         AND NOT EXISTS (SELECT 1 FROM automation_no_reply_runs r WHERE r.rule_id = $4 \
             AND r.conversation_id = c.id AND r.waiting_since = c.waiting_since) \
         ORDER BY COALESCE(c.waiting_since, 9223372036854775807), c.id LIMIT $5",
    )
    .bind(account_id)
    .bind(saved - minutes_ms)
    .bind(now_ms() - minutes_ms)
    .bind(rule.id)
    .bind(PER_PASS)
    .fetch_all(&db.pool)
    .await?;
    let mut acted = 0;
    for (conversation_id, since) in waiting {
        let key = (rule.id, conversation_id, since);
        match one(
            db,
            hub,
            account_id,
            (rule, checked, saved),
            conversation_id,
            since,
        )
        .await
        {
            Ok(Done::Acted) => acted += 1,
            Ok(Done::Passed) => {}
            Ok(Done::SwitchedOff) => break,
            Err(err) => {
                let tried = {
                    let mut tries = tries().lock().expect("tries lock");
                    let n = tries.entry(key).or_insert(0);
                    *n += 1;
                    *n
                };
                tracing::warn!(rule = rule.id, conversation = conversation_id, error = %err,
                    "automation: a no-reply run failed");
                if tried >= MAX_TRIES {
                    tries().lock().expect("tries lock").remove(&key);
                    let mut tx = db.begin_write().await?;
                    claim(&mut tx, rule.id, conversation_id, since).await?;
                    tx.finish().await?;
                    tracing::error!(
                        rule = rule.id,
                        conversation = conversation_id,
                        "automation: a no-reply run kept failing and was passed over for this wait"
                    );
                }
            }
        }
    }
    Ok(acted)
}

enum Done {
    Acted,
    Passed,
    SwitchedOff,
}

/// Claims this wait for the rule; `false` when another worker had.
async fn claim(
    tx: &mut WriteTx,
    rule_id: i64,
    conversation_id: i64,
    since: i64,
) -> Result<bool, AppError> {
    let claimed = sqlx::query(
        "INSERT INTO automation_no_reply_runs (rule_id, conversation_id, waiting_since) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(rule_id)
    .bind(conversation_id)
    .bind(since)
    .execute(tx.conn())
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// The rule, checked, and when it was saved as read at the pass's start.
type Looked<'a> = (&'a AutomationRule, &'a CheckedRule, i64);

async fn one(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    (rule, checked, saved): Looked<'_>,
    conversation_id: i64,
    since: i64,
) -> Result<Done, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    // Switched off or changed since the pass began: what it read is stale.
    let still_saved: Option<i64> =
        sqlx::query_scalar("SELECT updated_at FROM automation_rules WHERE id = $1 AND active = 1")
            .bind(rule.id)
            .fetch_optional(tx.conn())
            .await?;
    if still_saved != Some(saved) {
        return Ok(Done::SwitchedOff);
    }
    if !claim(&mut tx, rule.id, conversation_id, since).await? {
        return Ok(Done::Passed);
    }
    // Answered (or closed) since the scan read it: this wait is over.
    let still: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE id = $1 AND status = 'open' AND waiting_since = $2",
    )
    .bind(conversation_id)
    .bind(since)
    .fetch_optional(tx.conn())
    .await?;
    if still.is_none() {
        tx.finish().await?;
        return Ok(Done::Passed);
    }
    let (summary, facts) = facts_in_tx(tx.conn(), conversation_id, None, now).await?;
    if !matches(&checked.conditions, &facts) {
        tx.finish().await?;
        return Ok(Done::Passed);
    }
    match act(&mut tx, account_id, rule, checked, &summary, now).await? {
        Outcome::Ran(caused) => {
            mark_origins(&mut tx, &[(rule.id, caused)]).await?;
            hub.commit(tx).await?;
            Ok(Done::Acted)
        }
        Outcome::SwitchedOff => {
            // Switched off, not acted: once fixed and on again, this wait is still its.
            sqlx::query(
                "DELETE FROM automation_no_reply_runs WHERE rule_id = $1 AND conversation_id = $2 \
                 AND waiting_since = $3",
            )
            .bind(rule.id)
            .bind(conversation_id)
            .bind(since)
            .execute(tx.conn())
            .await?;
            tx.finish().await?;
            Ok(Done::SwitchedOff)
        }
        Outcome::Refused(err) => {
            drop(tx);
            record_error(db, rule.id, &err).await?;
            // Looked at: a refused run is not tried again in the same wait.
            let mut tx = db.begin_write().await?;
            claim(&mut tx, rule.id, conversation_id, since).await?;
            tx.finish().await?;
            Ok(Done::Passed)
        }
    }
}
