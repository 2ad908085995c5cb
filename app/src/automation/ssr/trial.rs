//! "What would it have done": a rule, saved or not, tried on the account's latest
//! conversations as they stand now, without acting. Its conditions are read the way
//! the engine reads them (`facts_in_tx`, `matches`); for "message received" the
//! message is each conversation's latest from the customer, for "resolved" the
//! conversation counts as resolved, and for "no reply" only customers who have waited
//! longer than the rule's minutes in an open conversation count (as the scan reads them).
use sqlx::Row;

use super::facts::facts_in_tx;
use crate::automation::model::{Trial, TrialMatch, TRIAL_CONVERSATIONS};
use crate::conversations::ssr::messages::last_from_customer;
use crate::db::{now_ms, Db};
use crate::domain::automation::{matches, RuleEvent, RuleInput};
use crate::domain::ConversationStatus;
use crate::error::AppError;

pub async fn try_rule(db: &Db, account_id: i64, input: &RuleInput) -> Result<Trial, AppError> {
    let checked = input
        .checked()
        .map_err(|(field, code)| AppError::validation(field, code))?;
    let mut conn = db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, status, waiting_since FROM conversations WHERE account_id = $1 \
         ORDER BY last_activity_at DESC, id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(TRIAL_CONVERSATIONS)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let said = if checked.event == RuleEvent::MessageCreated {
        last_from_customer(&mut conn, &ids).await?
    } else {
        Vec::new()
    };
    let now = now_ms();
    let waited_enough = |waiting: Option<i64>| {
        let minutes = i64::from(input.no_reply_minutes.unwrap_or(0));
        waiting.is_some_and(|since| now - since >= minutes * 60_000)
    };
    let mut matched = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let message = said.iter().find(|m| m.conversation_id == id);
        let heard = match checked.event {
            RuleEvent::MessageCreated => message.is_some(),
            RuleEvent::NoReply => {
                row.try_get::<String, _>("status")? == ConversationStatus::Open.as_str()
                    && waited_enough(row.try_get("waiting_since")?)
            }
            _ => true,
        };
        if !heard {
            continue;
        }
        let (summary, mut facts) = facts_in_tx(&mut conn, id, message, now).await?;
        if checked.event == RuleEvent::ConversationResolved {
            facts.status = ConversationStatus::Resolved;
        }
        if matches(&checked.conditions, &facts) {
            matched.push(TrialMatch {
                conversation_id: id,
                display_id: summary.display_id,
                contact_name: summary.contact_name,
                preview: message
                    .map(|m| m.body.clone())
                    .or(summary.last_message_preview),
            });
        }
    }
    Ok(Trial {
        considered: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        matched,
    })
}
