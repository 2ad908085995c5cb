//! Visitors: identity by a random token (stored as its SHA-256), contact creation from
//! the pre-chat form, and their messages through the same service as every channel.
use sqlx::Row;

use super::{VisitorMessage, WidgetSent, WidgetState};
use crate::auth::ssr::{new_token, token_hash};
use crate::contacts::ssr::store::{contact_for_customer, identity_in_tx, CustomerProfile};
use crate::conversations::ssr::messages::{history_in_conversation, receive_in_tx, Inbound};
use crate::conversations::ssr::routing::conversation_for_inbound;
use crate::db::Db;
use crate::domain::{EmailAddress, MessageBody};
use crate::error::AppError;
use crate::live::hub::Hub;

/// A web-chat inbox found by its public token.
pub struct WidgetInbox {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub settings: serde_json::Value,
}

pub async fn inbox_by_token(db: &Db, token: &str) -> Result<WidgetInbox, AppError> {
    let row = sqlx::query(
        "SELECT id, account_id, name, settings FROM inboxes WHERE web_token = $1 AND channel_kind = 'web_chat'",
    )
    .bind(token)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let settings: String = row.try_get("settings")?;
    Ok(WidgetInbox {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        settings: serde_json::from_str(&settings).unwrap_or_default(),
    })
}

/// A known visitor: (identity id, contact id).
pub async fn visitor(
    db: &Db,
    inbox_id: i64,
    visitor_token: &str,
) -> Result<Option<(i64, i64)>, AppError> {
    let row = sqlx::query(
        "SELECT id, contact_id FROM contact_identities WHERE inbox_id = $1 AND kind = 'visitor' AND external_id = $2",
    )
    .bind(inbox_id)
    .bind(token_hash(visitor_token))
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        Some(row) => Some((row.try_get("id")?, row.try_get("contact_id")?)),
        None => None,
    })
}

/// A visitor of a web-chat inbox by the widget's and the visitor's tokens:
/// (account id, identity id); unknown visitors are unauthorised.
pub async fn visitor_by_tokens(
    db: &Db,
    token: &str,
    visitor_token: &str,
) -> Result<(i64, i64), AppError> {
    let inbox = inbox_by_token(db, token).await?;
    let (identity, _) = visitor(db, inbox.id, visitor_token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok((inbox.account_id, identity))
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
    token: &str,
    visitor_token: Option<&str>,
    limits: crate::domain::attachment::UploadLimits,
) -> Result<WidgetState, AppError> {
    let inbox = inbox_by_token(db, token).await?;
    let known = match visitor_token {
        Some(v) => visitor(db, inbox.id, v).await?,
        None => None,
    };
    let mut messages = Vec::new();
    if let Some((identity, _)) = known {
        if let Some(conversation) = latest_conversation(db, identity).await? {
            messages = history_in_conversation(db, conversation, 200)
                .await?
                .iter()
                .filter_map(VisitorMessage::from_message)
                .collect();
        }
    }
    Ok(WidgetState {
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
        messages,
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

pub async fn send(
    db: &Db,
    hub: &Hub,
    token: &str,
    visitor_token: Option<&str>,
    message: VisitorSend<'_>,
) -> Result<WidgetSent, AppError> {
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
    let name = name
        .map(|n| n.trim().chars().take(120).collect::<String>())
        .filter(|n| !n.is_empty());
    let email = match email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => {
            Some(EmailAddress::parse(e).map_err(|err| AppError::validation("email", err.code()))?)
        }
        None => None,
    };
    let known = match visitor_token {
        Some(v) => visitor(db, inbox.id, v)
            .await?
            .map(|ids| (v.to_owned(), ids)),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    let (visitor_token, identity_id, contact_id) = match known {
        Some((token, (identity, contact))) => (token, identity, contact),
        None => {
            // A visitor with an email becomes (or joins) an identified contact.
            let profile = CustomerProfile {
                name,
                email,
                phone: None,
            };
            let contact_id = contact_for_customer(&mut tx, inbox.account_id, &profile).await?;
            let token = new_token();
            let identity = identity_in_tx(
                &mut tx,
                contact_id,
                inbox.id,
                "visitor",
                &token_hash(&token),
            )
            .await?;
            (token, identity, contact_id)
        }
    };
    let conversation_id = conversation_for_inbound(
        &mut tx,
        inbox.account_id,
        inbox.id,
        contact_id,
        Some(identity_id),
    )
    .await?;
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
    let message = receive_in_tx(&mut tx, conversation_id, contact_id, &inbound).await?;
    tx.commit(hub).await?;
    Ok(WidgetSent {
        visitor: visitor_token,
        message: VisitorMessage::from_message(&message).ok_or(AppError::Internal)?,
    })
}
