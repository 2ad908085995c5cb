//! An agent merges a web-chat visitor into the contact her typed email names, on
//! purpose: the widget never does it by itself (an email typed there is a claim, not
//! an identity). Her identities, conversations and messages move to that contact in
//! one transaction; each moved conversation is announced live with its new contact.
//! The visitor's widget keeps seeing only her own identity's conversations.
//! The same move joins any two contacts (the API's `contact_merge`, the contact page).
use crate::agents::AgentProfile;
use crate::contacts::ssr::changed::contact_changed_in_tx;
use crate::contacts::ssr::store;
use crate::conversations::ssr::access::summary_in_tx;
use crate::db::{now_ms, Db};
use crate::domain::{EmailAddress, PhoneNumber};
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
    let target: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE account_id = $1 AND email = $2 AND id <> $3",
    )
    .bind(agent.account_id)
    .bind(&claimed)
    .bind(visitor_id)
    .fetch_optional(&db.pool)
    .await?;
    let target = target.ok_or_else(|| AppError::validation("claimed_email", "no_contact"))?;
    merge_contacts(db, hub, agent, target, visitor_id).await?;
    Ok(target)
}

/// One of the two contacts: the mergee's email, phone and identifier go to the base
/// where it has none.
#[derive(Clone, sqlx::FromRow)]
struct Merging {
    id: i64,
    email: Option<String>,
    phone_e164: Option<String>,
    identifier: Option<String>,
}

/// Moves everything of contact `mergee` (identities, conversations, messages, labels,
/// custom attribute values the base lacks, an email or phone the base lacks) to
/// contact `base` and deletes `mergee`, in one transaction; each moved conversation is
/// announced live with its new contact. Chatwoot's `contact_merge`.
pub async fn merge_contacts(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    base: i64,
    mergee: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let found: Vec<Merging> = sqlx::query_as(
        "SELECT id, email, phone_e164, identifier FROM contacts WHERE id IN ($1, $2) AND account_id = $3",
    )
    .bind(base)
    .bind(mergee)
    .bind(agent.account_id)
    .fetch_all(tx.conn())
    .await?;
    let Some(Merging {
        email,
        phone_e164: phone,
        identifier,
        ..
    }) = found.iter().find(|c| c.id == mergee).cloned()
    else {
        return Err(AppError::NotFound);
    };
    if !found.iter().any(|c| c.id == base) {
        return Err(AppError::NotFound);
    }
    if base == mergee {
        return Err(AppError::validation("mergee_contact_id", "same_contact"));
    }
    let moved: Vec<i64> = sqlx::query_scalar("SELECT id FROM conversations WHERE contact_id = $1")
        .bind(mergee)
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
        "UPDATE contact_notes SET contact_id = $1 WHERE contact_id = $2",
        "INSERT INTO contact_labels (contact_id, label_id, created_at) \
         SELECT $1, label_id, created_at FROM contact_labels WHERE contact_id = $2 \
         ON CONFLICT (contact_id, label_id) DO NOTHING",
    ] {
        sqlx::query(sql)
            .bind(base)
            .bind(mergee)
            .execute(tx.conn())
            .await?;
    }
    sqlx::query(
        "UPDATE contacts SET last_activity_at = (SELECT MAX(a) FROM (SELECT last_activity_at AS a FROM contacts \
         WHERE id IN ($1, $2)) t), updated_at = $3, \
         blocked = (SELECT MAX(b) FROM (SELECT blocked AS b FROM contacts WHERE id IN ($1, $2)) k) WHERE id = $1",
    )
    .bind(base)
    .bind(mergee)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    keep_attributes_in_tx(&mut tx, base, mergee).await?;
    sqlx::query("DELETE FROM contacts WHERE id = $1")
        .bind(mergee)
        .execute(tx.conn())
        .await?;
    // Only once the mergee is gone are its email, phone and identifier free for the base
    // to take (where it has none).
    let email = email.and_then(|e| EmailAddress::parse(&e).ok());
    let phone = phone.map(PhoneNumber::from_e164);
    store::fill_missing_in_tx(&mut tx, base, email.as_ref(), phone.as_ref()).await?;
    if let Some(identifier) = identifier {
        super::identifier::adopt_in_tx(&mut tx, agent.account_id, base, &identifier).await?;
    }
    super::audit::record_in_tx(&mut tx, agent, "contact.merged", base).await?;
    contact_changed_in_tx(&mut tx, agent.account_id, base, false).await?;
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
    tracing::info!(mergee, base, actor = agent.id, "contact merged");
    Ok(())
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
