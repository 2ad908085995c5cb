//! A conversation's custom attribute values: checked against the account's
//! definitions and stored in one transaction with the change event (the list, the chat
//! and webhooks' `conversation_updated` hear of it).
use super::access::{summary_in_tx, visible_conversation, Viewer};
use super::actions::append_change;
use crate::agents::AgentProfile;
use crate::attributes::model::{AttributeModel, AttributeValues};
use crate::attributes::ssr::{apply_in_tx, read_values, row_lock, Change};
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;
use crate::live::hub::Hub;

/// The conversation's values (the caller checked it may see it).
pub async fn of(db: &Db, conversation_id: i64) -> Result<AttributeValues, AppError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT custom_attributes FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(stored.as_deref().map(read_values).unwrap_or_default())
}

/// Changes a conversation's values as the agent may (she sees the conversation).
pub async fn set(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    change: Change,
) -> Result<AttributeValues, AppError> {
    let before = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    let mut tx = db.begin_write().await?;
    let (values, changed) =
        values_in_tx(&mut tx, agent.account_id, conversation_id, change).await?;
    if !changed {
        return Ok(values);
    }
    append_change(&mut tx, agent.account_id, &before).await?;
    hub.commit(tx).await?;
    Ok(values)
}

/// Applies `change` inside the caller's transaction: the values, and whether they
/// changed (the caller appends the change event).
async fn values_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversation_id: i64,
    change: Change,
) -> Result<(AttributeValues, bool), AppError> {
    // Read locked (PostgreSQL; SQLite has one writer): two agents' changes both stay.
    let sql = format!(
        "SELECT custom_attributes FROM conversations WHERE id = $1 AND account_id = $2{}",
        row_lock(tx.backend)
    );
    let stored: String = sqlx::query_scalar(&sql)
        .bind(conversation_id)
        .bind(account_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(AppError::NotFound)?;
    let current = read_values(&stored);
    let values = apply_in_tx(
        tx,
        account_id,
        AttributeModel::Conversation,
        current.clone(),
        change,
    )
    .await?;
    if values == current {
        return Ok((values, false));
    }
    let text = serde_json::Value::Object(values.clone()).to_string();
    sqlx::query("UPDATE conversations SET custom_attributes = $1, updated_at = $2 WHERE id = $3")
        .bind(&text)
        .bind(now_ms())
        .bind(conversation_id)
        .execute(tx.conn())
        .await?;
    Ok((values, true))
}

/// What the customer's side says of her conversation (the website's script through
/// Chatwoot's `setConversationCustomAttributes`, `setLabel`, `removeLabel`): values
/// changed in order, then labels put on or taken off by name. A label the account
/// does not define is left alone, as is one more than a conversation may carry. One
/// change event when anything changed.
pub async fn customer_says_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    conversation_id: i64,
    changes: Vec<Change>,
    labels: &[(String, bool)],
) -> Result<(), AppError> {
    let before = summary_in_tx(tx.conn(), conversation_id).await?;
    let mut changed = false;
    for change in changes {
        changed |= values_in_tx(tx, account_id, conversation_id, change)
            .await?
            .1;
    }
    let mut carried = before.label_ids.clone();
    for (name, on) in labels {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM labels WHERE account_id = $1 AND name = $2")
                .bind(account_id)
                .bind(name.trim().to_lowercase())
                .fetch_optional(tx.conn())
                .await?;
        let Some(id) = id else { continue };
        match (on, carried.contains(&id)) {
            (true, false) if carried.len() < crate::labels::model::MAX_PER_ITEM => {
                carried.push(id);
                sqlx::query(
                    "INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (conversation_id, label_id) DO NOTHING",
                )
                .bind(conversation_id)
                .bind(id)
                .bind(now_ms())
                .execute(tx.conn())
                .await?;
            }
            (false, true) => {
                carried.retain(|l| *l != id);
                sqlx::query(
                    "DELETE FROM conversation_labels WHERE conversation_id = $1 AND label_id = $2",
                )
                .bind(conversation_id)
                .bind(id)
                .execute(tx.conn())
                .await?;
            }
            _ => continue,
        }
        changed = true;
    }
    if changed {
        sqlx::query("UPDATE conversations SET updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(conversation_id)
            .execute(tx.conn())
            .await?;
        append_change(tx, account_id, &before).await?;
    }
    Ok(())
}

/// The values of a page of conversations, by id (those with none are left out).
pub async fn of_many(
    db: &Db,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, AttributeValues>, AppError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT id, custom_attributes FROM conversations WHERE id IN ({}) AND custom_attributes <> '{{}}'",
        crate::db::placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in ids {
        query = query.bind(id);
    }
    Ok(query
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, stored)| (id, read_values(&stored)))
        .collect())
}
