//! Satisfaction surveys (CSAT, issue 31): when a conversation of an inbox with the
//! survey on is resolved, the customer gets the inbox's question once, through the one
//! path every outgoing message takes (`input_csat`: the widget shows it as a card with
//! the ratings; the outbox adds the survey page's link for email and WhatsApp). Her
//! answer, from the widget or that page, is kept once, put on the survey message and
//! said to the agents in the thread.
use sqlx::Row;

use super::access::summary_in_tx;
use super::activity;
use super::messages::{emit_message, insert_outgoing_in_tx, message_in_tx, Author, OutgoingRow};
use crate::conversations::model::{ConversationSummary, MessageExtra};
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::csat::{check_answer, SurveyState};
use crate::domain::whatsapp::Window;
use crate::domain::{ChannelKind, ConversationStatus};
use crate::error::AppError;
use crate::events::{EventScope, LiveEvent};
use crate::inboxes::ssr::csat::csat_of;
use crate::live::hub::Hub;

/// After a change of status inside its transaction: the survey, if the conversation
/// has just been resolved, its inbox asks, and it has had none.
pub async fn on_status_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    before: &ConversationSummary,
    status: ConversationStatus,
    now: i64,
) -> Result<(), AppError> {
    if status != ConversationStatus::Resolved || before.status == ConversationStatus::Resolved {
        return Ok(());
    }
    let Some(settings) = csat_of(tx.conn(), None, before.inbox_id).await? else {
        return Ok(());
    };
    if !settings.enabled {
        return Ok(());
    }
    // WhatsApp lets a business write freely only inside the 24 hours after the
    // customer's last message; a survey is no template, so outside it none is sent.
    if before.channel == ChannelKind::WhatsApp
        && !Window::at(before.last_customer_message_at, now).is_open()
    {
        return Ok(());
    }
    let token = crate::secrets::token::new_token();
    let created = sqlx::query(
        "INSERT INTO csat_surveys (account_id, conversation_id, inbox_id, agent_id, team_id, token, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(account_id)
    .bind(before.id)
    .bind(before.inbox_id)
    .bind(before.assignee_id)
    .bind(before.team_id)
    .bind(&token)
    .bind(now)
    .execute(tx.conn())
    .await?;
    if created.rows_affected() == 0 {
        return Ok(());
    }
    let current = summary_in_tx(tx.conn(), before.id).await?;
    let extra = MessageExtra::Survey {
        rating: None,
        comment: None,
    };
    let row = OutgoingRow {
        body: settings.question_text(),
        private: false,
        idempotency_key: None,
        content_type: "input_csat",
        extra: Some(&extra),
        reply_to: None,
    };
    let id =
        insert_outgoing_in_tx(tx, Author::Automatic { account_id }, &current, &row, now).await?;
    sqlx::query("UPDATE csat_surveys SET message_id = $1 WHERE token = $2")
        .bind(id)
        .bind(&token)
        .execute(tx.conn())
        .await?;
    let message = message_in_tx(tx.conn(), id).await?;
    emit_message(tx, &current, &message).await?;
    Ok(())
}

/// The survey of a link's token (not found for an unknown one).
pub async fn by_token(db: &Db, token: &str) -> Result<SurveyState, AppError> {
    let row = sqlx::query(
        "SELECT i.name AS inbox_name, m.body AS question, s.rating, s.comment FROM csat_surveys s \
         JOIN inboxes i ON i.id = s.inbox_id LEFT JOIN messages m ON m.id = s.message_id WHERE s.token = $1",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let rating: Option<i64> = row.try_get("rating")?;
    Ok(SurveyState {
        inbox_name: row.try_get("inbox_name")?,
        question: row
            .try_get::<Option<String>, _>("question")?
            .unwrap_or_default(),
        rating: rating.map(|r| r as u8),
        comment: row.try_get("comment")?,
    })
}

/// The token of the survey a visitor's message is, if that message is in her
/// conversation (the widget answers by message).
pub async fn token_of_message(
    db: &Db,
    conversation_id: i64,
    message_id: i64,
) -> Result<String, AppError> {
    sqlx::query_scalar(
        "SELECT token FROM csat_surveys WHERE message_id = $1 AND conversation_id = $2",
    )
    .bind(message_id)
    .bind(conversation_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// Keeps the customer's answer: once (a second is refused with 409 and changes
/// nothing); the survey message shows it and the agents read a line saying it.
pub async fn answer(
    db: &Db,
    hub: &Hub,
    token: &str,
    rating: u8,
    comment: &str,
) -> Result<SurveyState, AppError> {
    let comment = check_answer(rating, comment).map_err(|(f, c)| AppError::validation(f, c))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT id, account_id, conversation_id, message_id FROM csat_surveys WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(AppError::NotFound)?;
    let (survey, account_id, conversation_id): (i64, i64, i64) = (
        row.try_get("id")?,
        row.try_get("account_id")?,
        row.try_get("conversation_id")?,
    );
    // Only the first answer is kept: on PostgreSQL two answers at once both read the
    // row unanswered, and only one of them finds it so here.
    let kept = sqlx::query(
        "UPDATE csat_surveys SET rating = $1, comment = $2, answered_at = $3 WHERE id = $4 AND answered_at IS NULL",
    )
    .bind(i64::from(rating))
    .bind(&comment)
    .bind(now)
    .bind(survey)
    .execute(tx.conn())
    .await?;
    if kept.rows_affected() == 0 {
        return Err(AppError::Conflict {
            field: "rating".into(),
        });
    }
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    if let Some(message_id) = row.try_get::<Option<i64>, _>("message_id")? {
        let extra = MessageExtra::Survey {
            rating: Some(rating),
            comment: Some(comment.clone()),
        };
        sqlx::query("UPDATE messages SET content_attributes = $1, updated_at = $2 WHERE id = $3")
            .bind(serde_json::to_string(&extra).unwrap_or_default())
            .bind(now)
            .bind(message_id)
            .execute(tx.conn())
            .await?;
        let message = message_in_tx(tx.conn(), message_id).await?;
        let scope = EventScope {
            inbox_id: Some(before.inbox_id),
            conversation_id: Some(before.id),
            agent_id: None,
        };
        tx.append_events(
            account_id,
            vec![(scope, LiveEvent::MessageUpdated { message })],
        )
        .await?;
    }
    let changed = [(before.id, before.inbox_id)];
    activity::survey_answered_in_tx(&mut tx, account_id, &changed, rating, &comment, now).await?;
    hub.commit(tx).await?;
    by_token(db, token).await
}
