//! Visitors: who they are (`identity`), what they see when the widget opens, and their
//! messages through the same service as every channel.
pub mod identity;
pub mod inbox;
pub mod limits;
pub mod offline;
pub mod page_calls;
pub mod receipts;

pub use identity::Sender;
pub use inbox::{inbox_by_token, WidgetInbox};
pub use receipts::read_by_visitor;

use self::identity::{Claim, Visitor};
use self::limits::WidgetGuard;
use super::{HostUser, VisitorMessage, WidgetSent, WidgetState};
use crate::conversations::ssr::messages::{history_in_conversation, receive_in_tx, Inbound};
use crate::conversations::ssr::routing::{conversation_for, Customer};
use crate::db::Db;
use crate::domain::{EmailAddress, MessageBody};
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;

/// A known visitor: (identity id, contact id).
pub async fn visitor(
    db: &Db,
    inbox_id: i64,
    visitor_token: &str,
) -> Result<Option<(i64, i64)>, AppError> {
    identity::by_token(db, inbox_id, visitor_token).await
}

/// Every conversation of this visitor's identity (her socket's filter, read once).
pub async fn conversations_of(db: &Db, identity_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM conversations WHERE contact_identity_id = $1")
            .bind(identity_id)
            .fetch_all(&db.pool)
            .await?,
    )
}

/// Whether a conversation is this identity's.
pub async fn is_conversation_of(
    db: &Db,
    identity_id: i64,
    conversation_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE id = $1 AND contact_identity_id = $2",
    )
    .bind(conversation_id)
    .bind(identity_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// The visitor's answer to a survey in one of her conversations (not found for
/// anyone else's).
pub async fn rate(
    db: &Db,
    hub: &Hub,
    token: &str,
    visitor_token: &str,
    message_id: i64,
    rating: u8,
    comment: &str,
) -> Result<(), AppError> {
    let inbox = inbox::inbox_by_token(db, token).await?;
    let (identity, _) = visitor(db, inbox.id, visitor_token)
        .await?
        .ok_or(AppError::NotFound)?;
    let conversation: Option<i64> =
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_optional(&db.pool)
            .await?;
    let conversation = conversation.ok_or(AppError::NotFound)?;
    if !is_conversation_of(db, identity, conversation).await? {
        return Err(AppError::NotFound);
    }
    let survey =
        crate::conversations::ssr::survey::token_of_message(db, conversation, message_id).await?;
    crate::conversations::ssr::survey::answer(db, hub, &survey, rating, comment).await?;
    Ok(())
}

/// The visitor's latest conversation in this inbox.
pub async fn latest_conversation(db: &Db, identity_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversations WHERE contact_identity_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(identity_id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn open(
    db: &Db,
    secrets: &SecretBox,
    token: &str,
    visitor_token: Option<&str>,
    user: Option<&HostUser>,
    limits: crate::domain::attachment::UploadLimits,
) -> Result<WidgetState, AppError> {
    let inbox = inbox_by_token(db, token).await?;
    let (known, issued) = match identity::resolve(db, secrets, &inbox, visitor_token, user).await? {
        Visitor::Known(_, identity, contact) => (Some((identity, contact)), None),
        // A verified customer on a new browser: this browser gets its own token.
        Visitor::VerifiedKnown(identity, contact) => {
            let mut tx = db.begin_write().await?;
            let issued = identity::new_session_in_tx(&mut tx, identity).await?;
            tx.finish().await?;
            (Some((identity, contact)), Some(issued))
        }
        Visitor::VerifiedNew(_) | Visitor::Anonymous => (None, None),
    };
    let mut messages = Vec::new();
    let mut seen_at = None;
    if let Some((identity, _)) = known {
        if let Some(conversation) = latest_conversation(db, identity).await? {
            seen_at = receipts::seen_at(db, conversation).await?;
            messages = history_in_conversation(db, conversation, 200)
                .await?
                .iter()
                .filter_map(VisitorMessage::from_message)
                .collect();
        }
    }
    let team = offline::state_of(db, &inbox, known.map(|(_, contact)| contact)).await?;
    Ok(WidgetState {
        presence: team.presence,
        reply_time: team.settings.reply_time,
        ask_email: team.ask_email,
        inbox_name: inbox.name,
        greeting: inbox
            .settings
            .get("greeting")
            .and_then(|g| g.as_str())
            .map(str::to_owned),
        colour: inbox
            .settings
            .get("colour")
            .and_then(|g| g.as_str())
            .map(str::to_owned),
        identified: known.is_some(),
        verified: user.is_some_and(HostUser::signed),
        visitor: issued,
        messages,
        seen_at,
        limits,
    })
}

/// What a visitor sends: text and/or files (uploaded before), and the pre-chat form.
pub struct VisitorSend<'a> {
    pub body: Option<&'a MessageBody>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub attachments: &'a [i64],
}

/// What a customer says about herself (the pre-chat form, a Client API contact): a
/// name cut to 120 characters, an email that must be one. Empty answers are none.
pub fn claim(name: Option<String>, email: Option<String>) -> Result<Claim, AppError> {
    let name = name
        .map(|n| n.trim().chars().take(120).collect::<String>())
        .filter(|n| !n.is_empty());
    let email = match email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => {
            Some(EmailAddress::parse(e).map_err(|err| AppError::validation("email", err.code()))?)
        }
        None => None,
    };
    Ok(Claim { name, email })
}

/// What an unsigned host user (Chatwoot's `setUser` without a hash) says the visitor
/// is: a claim like the pre-chat form's. An email that is not one is left out (the
/// page's data, not her typing: nothing to show her).
pub fn said_by_host(user: Option<&HostUser>) -> Claim {
    match user.filter(|u| !u.signed()) {
        Some(u) => Claim {
            name: claim(u.name.clone(), None).ok().and_then(|c| c.name),
            email: claim(None, u.email.clone()).ok().and_then(|c| c.email),
        },
        None => Claim {
            name: None,
            email: None,
        },
    }
}

pub async fn send(
    db: &Db,
    secrets: &SecretBox,
    hub: &Hub,
    guard: &WidgetGuard,
    sender: Sender<'_>,
    message: VisitorSend<'_>,
) -> Result<WidgetSent, AppError> {
    let Sender {
        token,
        visitor: visitor_token,
        user,
        address,
    } = sender;
    let VisitorSend {
        body,
        name,
        email,
        attachments,
    } = message;
    if body.is_none() && attachments.is_empty() {
        return Err(AppError::validation("body", "required"));
    }
    let inbox = inbox_by_token(db, token).await?;
    guard.message(inbox.id, address)?;
    let said = said_by_host(user);
    let typed = claim(name, email)?;
    // What she types in the form wins over what the page says of her.
    let claim = Claim {
        name: typed.name.or_else(|| said.name.clone()),
        email: typed.email.or_else(|| said.email.clone()),
    };
    let who = identity::resolve(db, secrets, &inbox, visitor_token, user).await?;
    if matches!(who, Visitor::VerifiedNew(_) | Visitor::Anonymous) {
        guard.new_visitor(inbox.id, address)?;
    }
    let mut tx = db.begin_write().await?;
    let (visitor_token, identity_id, contact_id) = match who {
        Visitor::Known(token, identity, contact) => {
            identity::host_says_in_tx(&mut tx, &inbox, identity, contact, &said).await?;
            (token, identity, contact)
        }
        Visitor::VerifiedKnown(identity, contact) => (
            identity::new_session_in_tx(&mut tx, identity).await?,
            identity,
            contact,
        ),
        Visitor::VerifiedNew(user) => {
            identity::new_verified_in_tx(&mut tx, &inbox, &user, &claim).await?
        }
        Visitor::Anonymous => identity::new_anonymous_in_tx(&mut tx, &inbox, &claim, None).await?,
    };
    let customer = Customer::Identity {
        contact_id,
        identity_id,
    };
    let conversation = conversation_for(&mut tx, inbox.account_id, inbox.id, customer).await?;
    let files = if attachments.is_empty() {
        Vec::new()
    } else {
        crate::storage::uploads::take_in_tx(
            &mut tx,
            &format!("visitor:{identity_id}"),
            None,
            attachments,
        )
        .await?
    };
    let inbound = Inbound {
        attachments: &files,
        ..Inbound::text(body.map_or("", MessageBody::as_str))
    };
    let message = receive_in_tx(&mut tx, conversation, contact_id, &inbound).await?;
    hub.commit(tx).await?;
    Ok(WidgetSent {
        visitor: visitor_token,
        message: VisitorMessage::from_message(&message).ok_or(AppError::Internal)?,
    })
}
