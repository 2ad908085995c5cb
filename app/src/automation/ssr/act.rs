//! One matched rule acting on one conversation inside the caller's transaction, the
//! same for every event: a rule naming something gone is switched off with the reason;
//! otherwise its actions are applied, the events they cause are marked as the rule's
//! (they set off no rule), and its run is counted. A refusal of its actions is the
//! rule's own failure, told apart from the database's.
use super::apply::{apply_in_tx, ran_in_tx, Acting};
use super::outreach::RuleRef;
use super::references::{first_missing, named};
use crate::automation::model::AutomationRule;
use crate::conversations::model::{ConversationSummary, MessageExtra};
use crate::conversations::ssr::activity::Actor;
use crate::conversations::ssr::messages::Author;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::automation::CheckedRule;
use crate::error::AppError;

pub enum Outcome {
    /// Acted: the transaction's events in this range (of those waiting to be written)
    /// are the rule's, to be marked by [`mark_origins`].
    Ran(std::ops::Range<usize>),
    /// What it names is gone: switched off (in the transaction), nothing applied.
    SwitchedOff,
    /// Its actions were refused: the transaction holds half of them and must be
    /// rolled back.
    Refused(AppError),
}

/// The database's own failures are tried again; anything else is the rule's.
fn rule_failure(err: &AppError) -> bool {
    !matches!(err, AppError::Internal | AppError::Unavailable)
}

pub async fn act(
    tx: &mut WriteTx,
    account_id: i64,
    rule: &AutomationRule,
    checked: &CheckedRule,
    conversation: &ConversationSummary,
    now: i64,
) -> Result<Outcome, AppError> {
    let actions: Vec<_> = named(checked)
        .into_iter()
        .filter(|(part, _, _)| *part == "actions")
        .collect();
    if let Some((_, what)) = first_missing(tx.conn(), account_id, &actions).await? {
        sqlx::query(
            "UPDATE automation_rules SET active = 0, disabled_reason = $1, last_error = $1, \
             last_error_at = $2 WHERE id = $3",
        )
        .bind(format!("missing: {what}"))
        .bind(now)
        .bind(rule.id)
        .execute(tx.conn())
        .await?;
        return Ok(Outcome::SwitchedOff);
    }
    let mark = tx.pending_events();
    let acting = Acting {
        by: Actor::Rule,
        author: Author::Automatic { account_id },
        rule: Some(RuleRef {
            id: rule.id,
            name: &rule.name,
            event: rule.event_name,
        }),
    };
    match apply_in_tx(tx, account_id, acting, conversation, &checked.actions, now).await {
        Ok(done) => {
            let extra = MessageExtra::AutomationRan {
                rule: rule.name.clone(),
                actions: done,
            };
            ran_in_tx(tx, conversation.id, &extra).await?;
        }
        Err(err) if rule_failure(&err) => return Ok(Outcome::Refused(err)),
        Err(err) => return Err(err),
    }
    let caused = mark..tx.pending_events();
    sqlx::query("UPDATE automation_rules SET runs = runs + 1, last_run_at = $1 WHERE id = $2")
        .bind(now)
        .bind(rule.id)
        .execute(tx.conn())
        .await?;
    Ok(Outcome::Ran(caused))
}

/// Keeps a rule's refused run as its last error (outside the rolled-back transaction).
pub async fn record_error(db: &Db, rule_id: i64, error: &AppError) -> Result<(), AppError> {
    tracing::warn!(rule = rule_id, %error, "automation rule failed");
    let _turn = db.write_turn().await;
    sqlx::query("UPDATE automation_rules SET last_error = $1, last_error_at = $2 WHERE id = $3")
        .bind(error.to_string().chars().take(500).collect::<String>())
        .bind(now_ms())
        .bind(rule_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Writes the transaction's events and marks those the rules caused (`(rule, range)`
/// from [`Outcome::Ran`]) as theirs: they set off no rule. The last writes before the
/// account's event lock are the rules' own; only these marks follow it.
pub async fn mark_origins(
    tx: &mut WriteTx,
    caused: &[(i64, std::ops::Range<usize>)],
) -> Result<(), AppError> {
    if caused.is_empty() {
        return Ok(());
    }
    let ids = tx.flush_events().await?;
    for (rule_id, range) in caused {
        for id in ids.get(range.clone()).unwrap_or_default() {
            sqlx::query("INSERT INTO automation_event_origins (event_id, rule_id) VALUES ($1, $2)")
                .bind(id)
                .bind(rule_id)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}
