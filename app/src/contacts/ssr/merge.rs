//! An agent merges a web-chat visitor into the contact her typed email names, on
//! purpose: the widget never does it by itself (an email typed there is a claim, not
//! an identity). Her identities, conversations and messages move to that contact in
//! one transaction; each moved conversation is announced live with its new contact.
//! The visitor's widget keeps seeing only her own identity's conversations.
use crate::agents::AgentProfile;
use crate::contacts::ssr::store;
use crate::conversations::ssr::access::summary_in_tx;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::events::{ConversationState, EventScope, LiveEvent};
use crate::live::hub::Hub;

/// Merges contact `visitor_id` into the contact with its claimed email; that contact's id.
pub async fn merge_into_claimed(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    visitor_id: i64,
) -> Result<i64, AppError> {
    let visitor = store::get(db, agent.account_id, visitor_id).await?;
    let claimed = visitor
        .claimed_email
        .clone()
        .filter(|_| visitor.email.is_none())
        .ok_or_else(|| AppError::validation("id", "no_claim"))?;
    let mut tx = db.begin_write().await?;
    let target: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE account_id = $1 AND email = $2 AND id <> $3",
    )
    .bind(agent.account_id)
    .bind(&claimed)
    .bind(visitor_id)
    .fetch_optional(tx.conn())
    .await?;
    let target = target.ok_or_else(|| AppError::validation("claimed_email", "no_contact"))?;
    let moved: Vec<i64> = sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id = $1")
        .bind(visitor_id)
        .fetch_all(tx.conn())
        .await?;
    let mut before = Vec::with_capacity(moved.len());
    for id in &moved {
        before.push(summary_in_tx(tx.conn(), *id).await?);
    }
    for sql in [
        "UPDATE contact_identities SET contact_id = $1 WHERE contact_id = $2",
        "UPDATE conversations SET contact_id = $1 WHERE contact_id = $2",
        "UPDATE messages SET sender_contact_id = $1 WHERE sender_contact_id = $2",
    ] {
        sqlx::query(sql)
            .bind(target)
            .bind(visitor_id)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query(
        "UPDATE contacts SET last_activity_at = (SELECT MAX(a) FROM (SELECT last_activity_at AS a FROM contacts \
         WHERE id IN ($1, $2)) t), updated_at = $3 WHERE id = $1",
    )
    .bind(target)
    .bind(visitor_id)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    keep_attributes_in_tx(&mut tx, target, visitor_id).await?;
    sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(visitor_id)
        .execute(tx.conn())
        .await?;
    super::audit::record_in_tx(&mut tx, agent, "contact.merged", target).await?;
    for old in &before {
        let after = summary_in_tx(tx.conn(), old.id).await?;
        let scope = EventScope {
            inbox_id: Some(after.inbox_id),
            conversation_id: Some(after.id),
            agent_id: None,
        };
        let event = LiveEvent::ConversationChanged {
            conversation: after,
            previous: Some(ConversationState::of(old)),
        };
        tx.append_event(agent.account_id, scope, event).await?;
    }
    hub.commit(tx).await?;
    tracing::info!(
        visitor_id,
        target,
        actor = agent.id,
        "visitor merged into contact"
    );
    Ok(target)
}

/// The visitor's custom attribute values go to the contact she joins; the contact's
/// own values win where both have one.
async fn keep_attributes_in_tx(
    tx: &mut crate::db::WriteTx,
    target: i64,
    visitor_id: i64,
) -> Result<(), AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, custom_attributes FROM contacts WHERE id IN ($1, $2)")
            .bind(target)
            .bind(visitor_id)
            .fetch_all(tx.conn())
            .await?;
    let of = |id: i64| {
        rows.iter()
            .find(|(row, _)| *row == id)
            .map(|(_, stored)| crate::attributes::ssr::read_values(stored))
            .unwrap_or_default()
    };
    let (mut merged, own) = (of(visitor_id), of(target));
    if merged.is_empty() {
        return Ok(());
    }
    merged.extend(own);
    sqlx::query("UPDATE contacts SET custom_attributes = $1 WHERE id = $2")
        .bind(serde_json::Value::Object(merged).to_string())
        .bind(target)
        .execute(tx.conn())
        .await?;
    Ok(())
}
