//! One pass of the worker: hand each claimed row to its channel's adapter, and record
//! the answers (at once for a channel that sends; together for one that is repeatable).
use sqlx::Row;

use super::claim;
use super::record::{self, Handed};
use crate::channels::adapter::{Adapters, Delivery, OutboundMessage};
use crate::db::{now_ms, Db};
use crate::domain::ChannelKind;
use crate::live::hub::Hub;

/// One pass over due rows; returns how many were handled.
pub async fn run_once(
    db: &Db,
    hub: &Hub,
    adapters: &Adapters,
    public_url: &str,
) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let due = claim::due(db, now).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let claimed = claim::lease(db, &due, now).await?;
    let mut handled = 0;
    let mut repeatable = Vec::new();
    for row in due {
        let outbox_id: i64 = row.try_get("id")?;
        if !claimed.contains(&outbox_id) {
            continue;
        }
        let channel: String = row.try_get("channel_kind")?;
        let message = OutboundMessage {
            message_id: row.try_get("message_id")?,
            conversation_id: row.try_get("conversation_id")?,
            inbox_id: row.try_get("inbox_id")?,
            body: with_survey_link(&row, &channel, public_url)?,
            attempt: row.try_get::<i64, _>("attempts")? + 1,
        };
        let adapter = ChannelKind::parse(&channel).and_then(|kind| adapters.get(&kind));
        let outcome = match adapter {
            Some(adapter) => adapter.deliver(&message).await,
            None => Delivery::Failed {
                error: "channel_unavailable".into(),
            },
        };
        let done = Handed {
            outbox_id,
            account_id: row.try_get("account_id")?,
            message,
            outcome,
        };
        handled += 1;
        if adapter.is_some_and(|a| a.repeatable()) {
            repeatable.push(done);
        } else {
            // Recorded right after the channel answered: a crash between the answer and
            // its record sends that one message again, never more. Earlier outcomes are
            // recorded first, so events keep the order of the queue.
            record::record(db, hub, std::mem::take(&mut repeatable)).await?;
            record::record(db, hub, vec![done]).await?;
        }
    }
    record::record(db, hub, repeatable).await?;
    Ok(handled)
}

/// A satisfaction survey sent by email or WhatsApp carries the link to its page (the
/// widget shows it as a card instead; an API inbox's program gets the message).
fn with_survey_link(
    row: &sqlx::any::AnyRow,
    channel: &str,
    public_url: &str,
) -> Result<String, sqlx::Error> {
    Ok(survey_link(
        row.try_get("body")?,
        &row.try_get::<String, _>("content_type")?,
        row.try_get::<Option<String>, _>("survey_token")?.as_deref(),
        channel,
        public_url,
    ))
}

fn survey_link(
    body: String,
    content_type: &str,
    token: Option<&str>,
    channel: &str,
    public_url: &str,
) -> String {
    match token {
        Some(token) if content_type == "input_csat" && matches!(channel, "email" | "whatsapp") => {
            format!(
                "{body}\n{}/survey/{token}",
                public_url.trim_end_matches('/')
            )
        }
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::survey_link;

    #[test]
    fn a_survey_by_email_or_whatsapp_carries_its_link() {
        let token = Some("abc");
        let asked = || "¿Qué tal?".to_owned();
        assert_eq!(
            survey_link(
                asked(),
                "input_csat",
                token,
                "email",
                "https://charla.example/"
            ),
            "¿Qué tal?\nhttps://charla.example/survey/abc"
        );
        assert_eq!(
            survey_link(
                asked(),
                "input_csat",
                token,
                "whatsapp",
                "https://c.example"
            ),
            "¿Qué tal?\nhttps://c.example/survey/abc"
        );
        assert_eq!(
            survey_link(
                asked(),
                "input_csat",
                token,
                "web_chat",
                "https://c.example"
            ),
            asked()
        );
        assert_eq!(
            survey_link(asked(), "text", token, "email", "https://c.example"),
            asked()
        );
        assert_eq!(
            survey_link(asked(), "input_csat", None, "email", "https://c.example"),
            asked()
        );
    }
}
