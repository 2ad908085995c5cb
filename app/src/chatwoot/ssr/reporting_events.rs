//! A conversation's reporting events (`GET …/conversations/{id}/reporting_events`), as
//! Chatwoot's API lists them: the durations the reports measure — the first response,
//! each reply, each resolution — oldest first, in Chatwoot's names; for whoever may see
//! the conversation.
use sqlx::Row;

use super::conversations::resolve;
use super::Caller;
use crate::chatwoot::model as cw;
use crate::error::AppError;

/// Chatwoot's name of a measured event.
fn chatwoot_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "first_response" => "first_response",
        "reply" => "reply_time",
        "resolved" => "conversation_resolved",
        _ => return None,
    })
}

pub async fn list(caller: &Caller<'_>, number: i64) -> Result<Vec<cw::ReportingEvent>, AppError> {
    let conversation = resolve(caller, number).await?;
    let rows = sqlx::query(
        "SELECT id, name, inbox_id, agent_id, started_at, at, value, business_value \
         FROM report_events WHERE conversation_id = $1 AND account_id = $2 \
         AND name IN ('first_response', 'reply', 'resolved') ORDER BY at, id",
    )
    .bind(conversation.id)
    .bind(caller.agent.account_id)
    .fetch_all(&caller.db().pool)
    .await?;
    // Charla also counts the first response as a reply (the reply-time figures include
    // it); Chatwoot's first reply is a first response only, so that reply is left out.
    let mut first_responses = Vec::new();
    for row in &rows {
        if row.try_get::<String, _>("name")? == "first_response" {
            first_responses.push(row.try_get::<i64, _>("at")?);
        }
    }
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let name: String = row.try_get("name")?;
        if name == "reply" && first_responses.contains(&row.try_get::<i64, _>("at")?) {
            continue;
        }
        let Some(name) = chatwoot_name(&name) else {
            continue;
        };
        let (started, at): (i64, i64) = (row.try_get("started_at")?, row.try_get("at")?);
        let business: Option<i64> = row.try_get("business_value")?;
        events.push(cw::ReportingEvent {
            id: row.try_get("id")?,
            name,
            value: row.try_get::<i64, _>("value")? as f64,
            value_in_business_hours: business.map(|v| v as f64),
            event_start_time: started.div_euclid(1000),
            event_end_time: at.div_euclid(1000),
            account_id: caller.agent.account_id,
            inbox_id: row.try_get("inbox_id")?,
            user_id: row.try_get("agent_id")?,
            conversation_id: number,
            created_at: at.div_euclid(1000),
            updated_at: at.div_euclid(1000),
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_events_take_chatwoot_names() {
        assert_eq!(chatwoot_name("reply"), Some("reply_time"));
        assert_eq!(chatwoot_name("resolved"), Some("conversation_resolved"));
        assert_eq!(chatwoot_name("opened"), None);
    }
}
