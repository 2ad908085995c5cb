//! Deleting a contact (S13), the only way any conversation or message ever goes away:
//! administrators only, confirmed by typing the contact's name. One transaction
//! removes the contact, its identities, conversations, messages, mentions,
//! notifications, read marks, outbox rows, events and attachment rows, queues the
//! attachment files for removal and writes an audit entry holding ids only.
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::contacts::ssr::store;
use crate::db::{now_ms, Db};
use crate::domain::contact::confirms_deletion;
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::events::{ConversationState, EventScope, LiveEvent};
use crate::live::hub::Hub;
use crate::storage::{drain_deletions, Files};

pub async fn delete_contact(
    db: &Db,
    hub: &Hub,
    files: &Files,
    agent: &AgentProfile,
    contact_id: i64,
    confirmation: &str,
) -> Result<(), AppError> {
    if !agent.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let contact = store::get(db, agent.account_id, contact_id).await?;
    if !confirms_deletion(confirmation, contact.display_name()) {
        return Err(AppError::validation("confirmation", "mismatch"));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let conversations = sqlx::query(
        "SELECT id, inbox_id, assignee_id, status FROM conversations WHERE contact_id = $1",
    )
    .bind(contact_id)
    .fetch_all(tx.conn())
    .await?;
    let of_contact = "SELECT id FROM conversations WHERE contact_id = $1";
    let messages_of_contact =
        format!("SELECT id FROM messages WHERE conversation_id IN ({of_contact})");
    sqlx::query(&format!(
        "INSERT INTO file_deletions (storage_key, attempts, next_attempt_at, created_at) \
         SELECT storage_key, 0, $2, $2 FROM attachments WHERE message_id IN ({messages_of_contact})"
    ))
    .bind(contact_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    // Children first, so nothing depends on ON DELETE CASCADE being enforced.
    let deletes = [
        // Queued notices first: on PostgreSQL the worker holding one finishes before
        // the notifications it wrote are deleted.
        format!("DELETE FROM notification_fanouts WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM notifications WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM mentions WHERE message_id IN ({messages_of_contact})"),
        format!("DELETE FROM attachments WHERE message_id IN ({messages_of_contact})"),
        format!("DELETE FROM outbox WHERE message_id IN ({messages_of_contact})"),
        format!("DELETE FROM conversation_reads WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM csat_surveys WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM widget_mailings WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM automation_mails WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM events WHERE conversation_id IN ({of_contact})"),
        format!("DELETE FROM messages WHERE id IN ({messages_of_contact})"),
        "DELETE FROM conversations WHERE contact_id = $1".to_owned(),
        "DELETE FROM widget_sessions WHERE identity_id IN (SELECT id FROM contact_identities WHERE contact_id = $1)"
            .to_owned(),
        "DELETE FROM contact_identities WHERE contact_id = $1".to_owned(),
        "DELETE FROM contacts WHERE id = $1".to_owned(),
    ];
    for sql in &deletes {
        sqlx::query(sql).bind(contact_id).execute(tx.conn()).await?;
    }
    super::audit::record_in_tx(&mut tx, agent, "contact.deleted", contact_id).await?;
    for row in &conversations {
        let status: String = row.try_get("status")?;
        let inbox_id: i64 = row.try_get("inbox_id")?;
        tx.append_event(
            agent.account_id,
            // No conversation id: the row it would point to is gone.
            EventScope {
                inbox_id: Some(inbox_id),
                conversation_id: None,
                agent_id: None,
            },
            LiveEvent::ConversationDeleted {
                conversation_id: row.try_get("id")?,
                inbox_id,
                previous: ConversationState {
                    assignee_id: row.try_get("assignee_id")?,
                    status: ConversationStatus::parse(&status).unwrap_or(ConversationStatus::Open),
                    priority: Default::default(),
                    team_id: None,
                    label_ids: None,
                },
            },
        )
        .await?;
    }
    hub.commit(tx).await?;
    tracing::info!(contact_id, actor = agent.id, "contact deleted");
    // Files go after commit; what fails here is retried by the maintenance worker.
    if let Err(err) = drain_deletions(db, files).await {
        tracing::warn!(error = %err, "removing deleted files failed; will retry");
    }
    Ok(())
}
