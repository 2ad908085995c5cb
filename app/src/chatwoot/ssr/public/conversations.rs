//! Client API conversations: the customer's own, a new one, resolving it (the only
//! status a customer may set), typing and "seen".
use crate::agents::model::AgentProfile;
use crate::attributes::ssr::Change;
use crate::chatwoot::model::PublicConversation;
use crate::conversations::ssr::access::summary_in_tx;
use crate::conversations::ssr::actions::set_status;
use crate::conversations::ssr::attributes::customer_says_in_tx;
use crate::conversations::ssr::messages::history_in_conversation;
use crate::conversations::ssr::routing::{open_conversation_in_tx, NewConversation};
use crate::db::Db;
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::live::typing::{Said, Signal, Typing};

use super::messages::{chat, Shaper};
use super::Customer;

/// The most messages a conversation carries (the rest through `…/messages?before=`).
const MESSAGES_SHOWN: i64 = 200;

pub async fn list(
    db: &Db,
    customer: &Customer,
    base_url: &str,
) -> Result<Vec<PublicConversation>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE contact_identity_id = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(customer.identity_id)
    .fetch_all(&db.pool)
    .await?;
    let shaper = Shaper::load(db, customer, base_url).await?;
    let mut list = Vec::with_capacity(ids.len());
    for id in ids {
        list.push(shape(db, &shaper, id).await?);
    }
    Ok(list)
}

/// Opens a new conversation for the customer (it takes over from her older ones, as
/// an agent's "Nueva conversación" does), routed and assigned as any other.
pub async fn create(
    db: &Db,
    hub: &Hub,
    customer: &Customer,
    base_url: &str,
    values: Option<Change>,
) -> Result<PublicConversation, AppError> {
    let mut tx = db.begin_write().await?;
    let opened = open_conversation_in_tx(
        &mut tx,
        NewConversation {
            account_id: customer.inbox.account_id,
            inbox_id: customer.inbox.id,
            contact_id: customer.contact_id,
            identity_id: Some(customer.identity_id),
            assignee_id: None,
            subject: None,
        },
    )
    .await?;
    // Checked like an agent's values: one the account does not define opens nothing.
    if let Some(change) = values {
        let account = customer.inbox.account_id;
        customer_says_in_tx(&mut tx, account, opened.id, vec![change], &[]).await?;
    }
    hub.commit(tx).await?;
    get_by_id(db, customer, opened.id, base_url).await
}

pub async fn get(
    db: &Db,
    customer: &Customer,
    number: i64,
    base_url: &str,
) -> Result<PublicConversation, AppError> {
    let id = customer.conversation(db, number).await?;
    get_by_id(db, customer, id, base_url).await
}

async fn get_by_id(
    db: &Db,
    customer: &Customer,
    id: i64,
    base_url: &str,
) -> Result<PublicConversation, AppError> {
    let shaper = Shaper::load(db, customer, base_url).await?;
    shape(db, &shaper, id).await
}

/// Resolves the conversation (one already resolved stays so); her next message
/// reopens it.
pub async fn resolve(
    db: &Db,
    hub: &Hub,
    customer: &Customer,
    number: i64,
    base_url: &str,
) -> Result<PublicConversation, AppError> {
    let id = customer.conversation(db, number).await?;
    let mut conn = db.pool.acquire().await?;
    let status = summary_in_tx(&mut conn, id).await?.status;
    drop(conn);
    if status != ConversationStatus::Resolved {
        let system = AgentProfile::system(customer.inbox.account_id);
        set_status(db, hub, &system, id, ConversationStatus::Resolved, None).await?;
    }
    get_by_id(db, customer, id, base_url).await
}

/// "Writing" on (`on`) or off, shown to the agents who may see the conversation.
pub async fn typing(
    db: &Db,
    hub: &Hub,
    customer: &Customer,
    number: i64,
    on: bool,
) -> Result<(), AppError> {
    let conversation_id = customer.conversation(db, number).await?;
    let name: String = sqlx::query_scalar("SELECT name FROM contacts WHERE id = $1")
        .bind(customer.contact_id)
        .fetch_one(&db.pool)
        .await?;
    let signal = Signal {
        account_id: customer.inbox.account_id,
        inbox_id: customer.inbox.id,
        said: Said::Typing(Typing {
            conversation_id,
            agent_id: None,
            name,
            private: false,
            typing: on,
        }),
    };
    hub.say(db, signal).await;
    Ok(())
}

/// The customer has seen the conversation: agents' replies there become "read".
pub async fn seen(db: &Db, hub: &Hub, customer: &Customer, number: i64) -> Result<(), AppError> {
    let id = customer.conversation(db, number).await?;
    crate::widget::ssr::read_by_visitor(db, hub, &[id], i64::MAX).await?;
    Ok(())
}

async fn shape(db: &Db, shaper: &Shaper, id: i64) -> Result<PublicConversation, AppError> {
    let mut conn = db.pool.acquire().await?;
    let summary = summary_in_tx(&mut conn, id).await?;
    drop(conn);
    let messages = history_in_conversation(db, id, MESSAGES_SHOWN).await?;
    let seen = crate::chatwoot::ssr::moments::of(db, id).await?;
    Ok(PublicConversation {
        id: summary.display_id,
        uuid: crate::chatwoot::ssr::render::uuid_of(summary.id),
        inbox_id: summary.inbox_id,
        contact_last_seen_at: seen.contact_seen.map_or(0, |ms| ms.div_euclid(1000)),
        status: summary.status.as_str(),
        agent_last_seen_at: seen.agent_seen.map_or(0, |ms| ms.div_euclid(1000)),
        messages: chat(&messages)
            .map(|m| shaper.message(m, summary.display_id))
            .collect(),
        contact: shaper.contact.clone(),
    })
}
