//! What a rule sees of a conversation (and of the customer's message) when its event
//! is handled: read inside the handling transaction (or, for a trial, on a plain
//! connection), as things stand then.
use sqlx::Row;

use crate::conversations::model::{ConversationSummary, MessageExtra, MessageView};
use crate::conversations::ssr::access::summary_in_tx;
use crate::domain::automation::Facts;
use crate::domain::{MessageDirection, PhoneNumber};
use crate::error::AppError;
use crate::inboxes::ssr::business_hours::{hours_of, open_at};

pub async fn facts_in_tx(
    conn: &mut sqlx::AnyConnection,
    conversation_id: i64,
    message: Option<&MessageView>,
    now: i64,
) -> Result<(ConversationSummary, Facts), AppError> {
    let summary = summary_in_tx(conn, conversation_id).await?;
    let row = sqlx::query(
        // Her own email only: one she merely typed in the widget proves nothing.
        "SELECT ct.email, ct.phone_e164 FROM conversations c \
         JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *conn)
    .await?;
    let email: Option<String> = row.try_get("email")?;
    let phone: Option<String> = row.try_get("phone_e164")?;
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT l.name FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id \
         WHERE cl.conversation_id = $1 ORDER BY l.name",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    let open_hours = match hours_of(conn, None, summary.inbox_id).await? {
        Some(hours) => open_at(&hours, now),
        None => true,
    };
    let mail_subject = message.and_then(|m| match &m.extra {
        Some(MessageExtra::Email { subject, .. }) => Some(subject.clone()),
        _ => None,
    });
    let facts = Facts {
        content: message.map(|m| m.body.clone()),
        mail_subject,
        message_type: message.map(|m| m.direction),
        inbox_id: summary.inbox_id,
        channel: summary.channel,
        email,
        labels,
        priority: summary.priority,
        status: summary.status,
        assignee_id: summary.assignee_id,
        team_id: summary.team_id,
        open_hours,
        country_code: phone.and_then(|p| PhoneNumber::country_of(&p)),
    };
    Ok((summary, facts))
}

/// Whether a message is one a customer wrote (the only ones `message_created` rules
/// hear).
pub fn from_customer(message: &MessageView) -> bool {
    message.direction == MessageDirection::Incoming && !message.private
}
